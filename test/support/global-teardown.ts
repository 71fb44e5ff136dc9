export default async function globalTeardown(): Promise<void> {
  const servers = globalThis.__santaTestServers;
  if (!servers) return;
  servers.minio.kill('SIGTERM');
  await servers.temporal.teardown();
}
