/** Payload templates of JSONPath states: keys ending in `.$` take the value of a path or an intrinsic call. */
import { evaluateIntrinsic, type IntrinsicHost, isIntrinsic } from './intrinsics';
import { type PathScope, readPath } from './jsonpath';
import { runtimeError } from './errors';

/** The value of one `.$` field: a path (`$`, `$$`, `$var`) or an intrinsic function call. */
export function dynamicValue(expression: string, scope: PathScope, host: IntrinsicHost): unknown {
  return isIntrinsic(expression) ? evaluateIntrinsic(expression, scope, host) : readPath(expression, scope);
}

/** A new value built from the template; the scope's input is never changed. */
export function applyTemplate(template: unknown, scope: PathScope, host: IntrinsicHost): unknown {
  if (Array.isArray(template)) return template.map((item) => applyTemplate(item, scope, host));
  if (template === null || typeof template !== 'object') return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) {
      if (typeof value !== 'string') throw runtimeError(`The value of '${key}' must be a path or an intrinsic function, as a string`);
      out[key.slice(0, -2)] = dynamicValue(value, scope, host);
    } else out[key] = applyTemplate(value, scope, host);
  }
  return out;
}
