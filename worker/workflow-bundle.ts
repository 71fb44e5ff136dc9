import path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';

/** Each workspace package the workflows import, and the folder of its sources. */
const PACKAGE_SOURCES = { 'states-language-temporal': path.join(__dirname, '..', 'packages', 'states-language', 'src') };

/**
 * Options for bundling the workflows (Worker.create's bundlerOptions, bundleWorkflowCode). Running the sources (tsx,
 * jest), workspace packages are bundled from their src/, as tsconfig.json's `paths` map them, so they need no build;
 * compiled (dist/), they resolve through node_modules to their own dist/ as for any user.
 */
export const bundlerOptions: Pick<BundleOptions, 'webpackConfigHook'> = __filename.endsWith('.ts')
  ? {
      webpackConfigHook: (config) => ({
        ...config,
        resolve: { ...config.resolve, alias: { ...(config.resolve?.alias as Record<string, string | false>), ...PACKAGE_SOURCES } },
      }),
    }
  : {};
