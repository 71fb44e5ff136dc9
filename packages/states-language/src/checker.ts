/**
 * Checks a definition before it runs and names every problem with its JSON path (e.g. `$.States.Parse.Next`):
 * missing StartAt, unknown Next, dead ends, unreachable states, States.ALL not alone and last, bad paths,
 * templates, intrinsics and JSONata expressions, fields a state type does not take, unsupported resources;
 * given a list of activities, every Task bound to another.
 */
import { operatorOf, OPERATORS, parseTimestamp, TYPE_TESTS } from './choice';
import { isIntrinsic, parseIntrinsic } from './intrinsics';
import { expressionProblem, isExpression } from './jsonata';
import { isReferencePath, parsePath } from './jsonpath';
import { MAX_DEFINITION_DEPTH, MAX_RETRY_DELAY_SECONDS, MAX_SECONDS } from './quotas';
import { isActivityArn, lambdaFunctionName, resolveResource } from './resource';
import { fieldProblems, ITEM_READER_ACTIVITY, type IntegrationSpec, RESULT_WRITER_ACTIVITY } from './integrations/catalog';
import { DELIMITERS } from './integrations/csv';

/** The fields of ItemReader's and ResultWriter's Parameters. */
const READER_SPEC: IntegrationSpec = { activity: ITEM_READER_ACTIVITY, required: ['Bucket', 'Key'], fields: ['Bucket', 'Key'] };
const LIST_SPEC: IntegrationSpec = { activity: ITEM_READER_ACTIVITY, required: ['Bucket'], fields: ['Bucket', 'Prefix'] };
const WRITER_SPEC: IntegrationSpec = { activity: RESULT_WRITER_ACTIVITY, required: ['Bucket'], fields: ['Bucket', 'Prefix'] };

export interface Problem {
  /** Where, as a JSONPath into the definition. */
  path: string;
  message: string;
}

export interface CheckOptions {
  /**
   * The only activities a Task may bind to: by name, Lambda function ARN (with or without an alias or version),
   * activity ARN, or a lambda:invoke FunctionName written out. A FunctionName only known at run time (a
   * `FunctionName.$` path, a JSONata expression) is the host's to check. Without the option, any name is taken.
   */
  activities?: readonly string[];
  /** Activity ARNs name Step Functions activities (workers poll them), not worker activities: left out of `activities`. */
  stepFunctionsActivities?: boolean;
}

/** Why a Task may not bind to an activity (the checker's message, and the host's for a name known at run time). */
export const unregisteredActivity = (name: string, allowed: readonly string[]) =>
  `'${name}' is not an activity registered for state machines (allowed: ${allowed.join(', ')})`;

type Json = Record<string, unknown>;
type Lang = 'JSONPath' | 'JSONata';

const TYPES = ['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'];
const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const FLOW = ['Next', 'End'];
const IO_JSONPATH = ['InputPath', 'OutputPath'];

/** Fields each type takes, in each query language. */
const FIELDS: Record<string, { any: string[]; JSONPath: string[]; JSONata: string[] }> = {
  Pass: { any: [...FLOW, 'Assign'], JSONPath: [...IO_JSONPATH, 'Parameters', 'ResultPath', 'Result'], JSONata: ['Output'] },
  Task: {
    any: [...FLOW, 'Assign', 'Resource', 'TimeoutSeconds', 'HeartbeatSeconds', 'Retry', 'Catch', 'Credentials'],
    JSONPath: [...IO_JSONPATH, 'Parameters', 'ResultPath', 'ResultSelector', 'TimeoutSecondsPath', 'HeartbeatSecondsPath'],
    JSONata: ['Arguments', 'Output'],
  },
  Choice: { any: ['Choices', 'Default', 'Assign'], JSONPath: IO_JSONPATH, JSONata: ['Output'] },
  Wait: {
    any: [...FLOW, 'Assign', 'Seconds', 'Timestamp'],
    JSONPath: [...IO_JSONPATH, 'SecondsPath', 'TimestampPath'],
    JSONata: ['Output'],
  },
  Succeed: { any: [], JSONPath: IO_JSONPATH, JSONata: ['Output'] },
  Fail: { any: ['Error', 'Cause'], JSONPath: ['ErrorPath', 'CausePath'], JSONata: [] },
  Parallel: {
    any: [...FLOW, 'Assign', 'Branches', 'Retry', 'Catch'],
    JSONPath: [...IO_JSONPATH, 'Parameters', 'ResultPath', 'ResultSelector'],
    JSONata: ['Arguments', 'Output'],
  },
  Map: {
    any: [
      ...FLOW,
      'Assign',
      'ItemProcessor',
      'Iterator',
      'ItemSelector',
      'ItemBatcher',
      'ItemReader',
      'ResultWriter',
      'MaxConcurrency',
      'ToleratedFailureCount',
      'ToleratedFailurePercentage',
      'Label',
      'Retry',
      'Catch',
    ],
    JSONPath: [
      ...IO_JSONPATH,
      'ItemsPath',
      'Parameters',
      'ResultPath',
      'ResultSelector',
      'MaxConcurrencyPath',
      'ToleratedFailureCountPath',
      'ToleratedFailurePercentagePath',
    ],
    JSONata: ['Items', 'Output'],
  },
};

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const key = (base: string, name: string) => (IDENT.test(name) ? `${base}.${name}` : `${base}['${name.replace(/'/g, "\\'")}']`);

/**
 * Every problem of the definition; empty when it can run. Accepts the definition as JSON text too. Never
 * throws: a definition it cannot check (nested past MAX_DEFINITION_DEPTH, or anything unforeseen) is a problem.
 */
export function checkDefinition(definition: unknown, options: CheckOptions = {}): Problem[] {
  let def = definition;
  if (typeof def === 'string') {
    try {
      def = JSON.parse(def);
    } catch (error) {
      return [{ path: '$', message: `not JSON: ${(error as Error).message}` }];
    }
  }
  if (!isObject(def)) return [{ path: '$', message: 'a definition is a JSON object' }];
  // The checks below recurse through the definition: refused first if it nests deeper than they may go.
  const deep = tooDeep(def, MAX_DEFINITION_DEPTH);
  if (deep) return [{ path: deep, message: `the definition is nested more than ${MAX_DEFINITION_DEPTH} levels deep` }];
  try {
    return checkObject(def, options);
  } catch (error) {
    return [{ path: '$', message: `the definition could not be checked: ${(error as Error).message}` }];
  }
}

function checkObject(def: Json, options: CheckOptions): Problem[] {
  const problems: Problem[] = [];
  const lang = def.QueryLanguage ?? 'JSONPath';
  if (lang !== 'JSONPath' && lang !== 'JSONata') problems.push({ path: '$.QueryLanguage', message: 'must be "JSONPath" or "JSONata"' });
  for (const field of Object.keys(def)) {
    if (!['Comment', 'StartAt', 'States', 'Version', 'TimeoutSeconds', 'QueryLanguage'].includes(field)) {
      problems.push({ path: key('$', field), message: `'${field}' is not a field of a state machine` });
    }
  }
  if (def.TimeoutSeconds !== undefined && !isSeconds(def.TimeoutSeconds))
    problems.push({ path: '$.TimeoutSeconds', message: `must be a positive integer, at most ${MAX_SECONDS}` });
  new Checker(problems, options.activities, options.stepFunctionsActivities === true).branch(
    def,
    '$',
    lang === 'JSONata' ? 'JSONata' : 'JSONPath',
  );
  return problems;
}

/** The path of the first value nested deeper than `max` (the definition's top level is depth 0), or undefined. */
function tooDeep(root: Json, max: number): string | undefined {
  // Walked without recursion; each entry keeps its parent's index to spell the path only when one is found.
  const nodes: { value: unknown; depth: number; parent: number; key: string | number }[] = [{ value: root, depth: 0, parent: -1, key: '' }];
  for (let i = 0; i < nodes.length; i++) {
    const { value, depth } = nodes[i];
    if (depth > max) {
      const keys: (string | number)[] = [];
      for (let at = i; at > 0; at = nodes[at].parent) keys.unshift(nodes[at].key);
      return keys.reduce<string>((path, k) => (typeof k === 'number' ? `${path}[${k}]` : key(path, k)), '$');
    }
    if (Array.isArray(value))
      value.forEach((v, k) => typeof v === 'object' && v !== null && nodes.push({ value: v, depth: depth + 1, parent: i, key: k }));
    else if (isObject(value))
      for (const [k, v] of Object.entries(value))
        if (typeof v === 'object' && v !== null) nodes.push({ value: v, depth: depth + 1, parent: i, key: k });
  }
  return undefined;
}

/** A whole number of seconds a timer can take: positive, at most Step Functions' 99,999,999. */
const isSeconds = (v: unknown) => Number.isInteger(v) && (v as number) > 0 && (v as number) <= MAX_SECONDS;

const isPositiveInteger = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
const isNonNegativeInteger = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;

class Checker {
  constructor(
    private readonly problems: Problem[],
    private readonly activities?: readonly string[],
    private readonly stepFunctionsActivities = false,
  ) {}

  private add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  /** A StartAt + States machine (the top level, a Parallel branch or a Map's processor). */
  branch(def: Json, at: string, inherited: Lang): void {
    const lang: Lang = def.QueryLanguage === 'JSONata' ? 'JSONata' : def.QueryLanguage === 'JSONPath' ? 'JSONPath' : inherited;
    if (at !== '$' && def.QueryLanguage !== undefined && def.QueryLanguage !== 'JSONPath' && def.QueryLanguage !== 'JSONata') {
      this.add(`${at}.QueryLanguage`, 'must be "JSONPath" or "JSONata"');
    }
    if (typeof def.StartAt !== 'string') this.add(`${at}.StartAt`, 'StartAt is missing: it names the first state');
    if (!isObject(def.States) || Object.keys(def.States).length === 0) {
      this.add(`${at}.States`, 'States is missing or empty');
      return;
    }
    const states = def.States;
    const names = new Set(Object.keys(states));
    if (typeof def.StartAt === 'string' && !names.has(def.StartAt)) this.add(`${at}.StartAt`, `StartAt names no state: '${def.StartAt}'`);
    const edges = new Map<string, string[]>();
    for (const [name, state] of Object.entries(states)) {
      const where = key(`${at}.States`, name);
      if (name.length > 80) this.add(where, 'a state name has at most 80 characters');
      if (!isObject(state)) {
        this.add(where, 'a state is a JSON object');
        continue;
      }
      edges.set(name, this.state(state, where, lang, names));
    }
    // Reachability from StartAt, through Next, Default, Choices and Catch.
    if (typeof def.StartAt === 'string' && names.has(def.StartAt)) {
      const seen = new Set<string>([def.StartAt]);
      const queue = [def.StartAt];
      while (queue.length > 0) {
        for (const next of edges.get(queue.pop()!) ?? []) {
          if (names.has(next) && !seen.has(next)) {
            seen.add(next);
            queue.push(next);
          }
        }
      }
      for (const name of names) if (!seen.has(name)) this.add(key(`${at}.States`, name), `state '${name}' cannot be reached from StartAt`);
    }
  }

  /** Checks one state and answers the names it can go to. */
  private state(s: Json, at: string, inherited: Lang, names: Set<string>): string[] {
    const type = s.Type;
    if (typeof type !== 'string' || !TYPES.includes(type)) {
      this.add(`${at}.Type`, type === undefined ? 'Type is missing' : `unknown Type ${JSON.stringify(type)}: one of ${TYPES.join(', ')}`);
      return [];
    }
    if (s.QueryLanguage !== undefined && s.QueryLanguage !== 'JSONPath' && s.QueryLanguage !== 'JSONata')
      this.add(`${at}.QueryLanguage`, 'must be "JSONPath" or "JSONata"');
    const lang: Lang = s.QueryLanguage === 'JSONata' ? 'JSONata' : s.QueryLanguage === 'JSONPath' ? 'JSONPath' : inherited;
    const allowed = FIELDS[type];
    const other = lang === 'JSONata' ? 'JSONPath' : 'JSONata';
    for (const field of Object.keys(s)) {
      if (COMMON.includes(field) || allowed.any.includes(field) || allowed[lang].includes(field)) continue;
      const message = allowed[other].includes(field)
        ? `'${field}' is a ${other} field; this state uses ${lang}`
        : `'${field}' is not a field of a ${type} state`;
      this.add(key(at, field), message);
    }

    const targets: string[] = [];
    const goTo = (next: unknown, where: string) => {
      if (typeof next !== 'string') this.add(where, 'must name a state');
      else {
        if (!names.has(next)) this.add(where, `names no state in this scope: '${next}'`);
        targets.push(next);
      }
    };
    // Choice, Succeed and Fail take no Next or End: the field check above reports them.
    const terminal = type === 'Choice' || type === 'Succeed' || type === 'Fail';
    if (!terminal) {
      if (s.Next !== undefined && s.End !== undefined) this.add(at, 'a state has Next or End, not both');
      if (s.Next !== undefined) goTo(s.Next, `${at}.Next`);
      else if (s.End !== true) this.add(at, 'dead end: the state has neither Next nor "End": true');
    }

    if (lang === 'JSONPath') {
      this.optionalPath(s, 'InputPath', at, { nullable: true });
      this.optionalPath(s, 'OutputPath', at, { nullable: true });
      this.optionalPath(s, 'ResultPath', at, { nullable: true, reference: true });
      for (const field of ['Parameters', 'ResultSelector']) if (s[field] !== undefined) this.template(s[field], `${at}.${field}`);
      if (s.Assign !== undefined) this.template(s.Assign, `${at}.Assign`, true);
    } else {
      for (const field of ['Arguments', 'Output', 'Assign']) if (s[field] !== undefined) this.jsonata(s[field], `${at}.${field}`);
      if (s.Assign !== undefined && !isObject(s.Assign)) this.add(`${at}.Assign`, 'Assign is an object of variable names');
    }

    switch (type) {
      case 'Task':
        this.task(s, at, lang);
        break;
      case 'Choice':
        this.choice(s, at, lang, goTo);
        break;
      case 'Wait':
        this.wait(s, at, lang);
        break;
      case 'Fail':
        for (const field of ['Error', 'Cause']) {
          if (s[field] !== undefined && s[`${field}Path`] !== undefined)
            this.add(at, `a Fail state has ${field} or ${field}Path, not both`);
          if (s[field] !== undefined && typeof s[field] !== 'string') this.add(`${at}.${field}`, 'must be a string');
          if (lang === 'JSONata' && isExpression(s[field])) this.jsonata(s[field], `${at}.${field}`);
          if (s[`${field}Path`] !== undefined) this.dynamic(s[`${field}Path`], `${at}.${field}Path`);
        }
        break;
      case 'Parallel':
        if (!Array.isArray(s.Branches) || s.Branches.length === 0)
          this.add(`${at}.Branches`, 'Branches is a non-empty array of state machines');
        else
          s.Branches.forEach((b, i) =>
            isObject(b) ? this.branch(b, `${at}.Branches[${i}]`, lang) : this.add(`${at}.Branches[${i}]`, 'a branch is an object'),
          );
        break;
      case 'Map':
        this.map(s, at, lang);
        break;
    }
    if (type === 'Task' || type === 'Parallel' || type === 'Map') this.errorHandling(s, at, lang, goTo);
    return targets;
  }

  private task(s: Json, at: string, lang: Lang): void {
    if (typeof s.Resource !== 'string')
      this.add(`${at}.Resource`, 'Resource is missing: name an activity, a Lambda function ARN or an integration');
    else {
      const target = resolveResource(s.Resource);
      if (target.kind === 'unsupported') this.add(`${at}.Resource`, target.reason);
      if (target.kind === 'activity' && !(this.stepFunctionsActivities && isActivityArn(s.Resource)))
        this.activity(target.name, `${at}.Resource`);
      if (target.kind === 'integration') {
        this.activity(target.spec.activity, `${at}.Resource`);
        this.callFields(
          s[lang === 'JSONata' ? 'Arguments' : 'Parameters'],
          target.spec,
          `${at}.${lang === 'JSONata' ? 'Arguments' : 'Parameters'}`,
        );
      }
      if (target.kind === 'lambdaInvoke') {
        const field = lang === 'JSONata' ? 'Arguments' : 'Parameters';
        const args = s[field];
        const name = isObject(args) ? args.FunctionName : undefined;
        if (typeof name === 'string' && !(lang === 'JSONata' && isExpression(name)))
          this.activity(lambdaFunctionName(name), `${at}.${field}.FunctionName`);
      }
    }
    for (const field of ['TimeoutSeconds', 'HeartbeatSeconds']) {
      const v = s[field];
      if (v !== undefined && !isSeconds(v) && !(lang === 'JSONata' && isExpression(v)))
        this.add(`${at}.${field}`, `must be a positive integer, at most ${MAX_SECONDS}`);
      if (lang === 'JSONata' && isExpression(v)) this.jsonata(v, `${at}.${field}`);
      if (v !== undefined && s[`${field}Path`] !== undefined) this.add(at, `${field} or ${field}Path, not both`);
      this.optionalPath(s, `${field}Path`, at, { reference: true });
    }
    if (typeof s.TimeoutSeconds === 'number' && typeof s.HeartbeatSeconds === 'number' && s.HeartbeatSeconds >= s.TimeoutSeconds) {
      this.add(`${at}.HeartbeatSeconds`, 'HeartbeatSeconds must be less than TimeoutSeconds');
    }
  }

  /** A service call's fields, when written out (a template or an object; an expression is only known at run time). */
  private callFields(args: unknown, spec: IntegrationSpec, where: string): void {
    if (!isObject(args)) return;
    for (const problem of fieldProblems(
      spec,
      Object.keys(args).map((k) => k.replace(/\.\$$/, '')),
    ))
      this.add(where, problem);
  }

  /** A Distributed Map's ItemReader or ResultWriter: S3 objects, read or written by the worker (integrations/items.ts). */
  private mapIo(s: Json, at: string, lang: Lang, distributed: boolean): void {
    const io: [string, string[], IntegrationSpec][] = [
      ['ItemReader', ['arn:aws:states:::s3:getObject', 'arn:aws:states:::s3:listObjectsV2'], READER_SPEC],
      ['ResultWriter', ['arn:aws:states:::s3:putObject'], WRITER_SPEC],
    ];
    for (const [field, resources, spec] of io) {
      const value = s[field];
      if (value === undefined) continue;
      const where = `${at}.${field}`;
      if (!distributed) this.add(where, `${field} needs a DISTRIBUTED Map (ItemProcessor.ProcessorConfig.Mode)`);
      if (!isObject(value)) {
        this.add(where, `${field} is an object`);
        continue;
      }
      if (typeof value.Resource !== 'string' || !resources.includes(value.Resource.replace(/^arn:aws[\w-]*:/, 'arn:aws:')))
        this.add(`${where}.Resource`, `must be ${resources.join(' or ')}`);
      const args = lang === 'JSONata' ? 'Arguments' : 'Parameters';
      this.onlyFields(
        value,
        where,
        ['Resource', 'ReaderConfig', args].filter((f) => f !== 'ReaderConfig' || field === 'ItemReader'),
      );
      if (lang === 'JSONPath' && value.Parameters !== undefined) this.template(value.Parameters, `${where}.Parameters`);
      if (lang === 'JSONata' && value.Arguments !== undefined) this.jsonata(value.Arguments, `${where}.Arguments`);
      const list = /listObjectsV2$/.test(String(value.Resource)) ? LIST_SPEC : spec;
      this.callFields(value[args], list, `${where}.${args}`);
      this.activity(field === 'ItemReader' ? ITEM_READER_ACTIVITY : RESULT_WRITER_ACTIVITY, `${where}.Resource`);
      if (field === 'ItemReader' && value.ReaderConfig !== undefined) this.readerConfig(value.ReaderConfig, `${where}.ReaderConfig`, lang);
    }
  }

  private readerConfig(config: unknown, where: string, lang: Lang): void {
    if (!isObject(config)) return this.add(where, 'ReaderConfig is an object');
    this.onlyFields(config, where, ['InputType', 'CSVHeaderLocation', 'CSVHeaders', 'CSVDelimiter', 'MaxItems', 'MaxItemsPath']);
    if (config.InputType !== undefined && !['JSON', 'JSONL', 'CSV'].includes(config.InputType as string))
      this.add(`${where}.InputType`, 'must be JSON, JSONL or CSV');
    if (config.CSVHeaderLocation !== undefined && config.CSVHeaderLocation !== 'FIRST_ROW' && config.CSVHeaderLocation !== 'GIVEN')
      this.add(`${where}.CSVHeaderLocation`, 'must be FIRST_ROW or GIVEN');
    const headers = config.CSVHeaders;
    if (
      config.CSVHeaderLocation === 'GIVEN' &&
      (!Array.isArray(headers) || headers.length === 0 || headers.some((h) => typeof h !== 'string'))
    )
      this.add(`${where}.CSVHeaders`, 'GIVEN headers are a non-empty array of strings');
    if (config.CSVDelimiter !== undefined && !Object.hasOwn(DELIMITERS, config.CSVDelimiter as string))
      this.add(`${where}.CSVDelimiter`, `must be one of ${Object.keys(DELIMITERS).join(', ')}`);
    if (config.MaxItems !== undefined && !(lang === 'JSONata' && isExpression(config.MaxItems)) && !isNonNegativeInteger(config.MaxItems))
      this.add(`${where}.MaxItems`, 'must be a non-negative integer');
    this.optionalPath(config, 'MaxItemsPath', where, { reference: true });
  }

  /** A Task's activity, when the options list the ones Tasks may bind to. */
  private activity(name: string, where: string): void {
    if (this.activities && !this.activities.includes(name)) this.add(where, unregisteredActivity(name, this.activities));
  }

  private choice(s: Json, at: string, lang: Lang, goTo: (next: unknown, where: string) => void): void {
    if (!Array.isArray(s.Choices) || s.Choices.length === 0) this.add(`${at}.Choices`, 'Choices is a non-empty array of rules');
    else {
      s.Choices.forEach((rule, i) => {
        const where = `${at}.Choices[${i}]`;
        if (!isObject(rule)) return this.add(where, 'a Choice rule is an object');
        goTo(rule.Next, `${where}.Next`);
        if (lang === 'JSONata') {
          if (typeof rule.Condition !== 'string' || !isExpression(rule.Condition))
            this.add(`${where}.Condition`, 'a JSONata Choice rule has a Condition written {% ... %}');
          else this.jsonata(rule.Condition, `${where}.Condition`);
          for (const field of ['Output', 'Assign']) if (rule[field] !== undefined) this.jsonata(rule[field], `${where}.${field}`);
          for (const field of Object.keys(rule))
            if (!['Condition', 'Next', 'Output', 'Assign', 'Comment'].includes(field))
              this.add(key(where, field), `'${field}' is not a field of a JSONata Choice rule`);
        } else {
          if (rule.Assign !== undefined) this.template(rule.Assign, `${where}.Assign`, true);
          this.rule(rule, where, true);
        }
      });
    }
    if (s.Default !== undefined) goTo(s.Default, `${at}.Default`);
  }

  private rule(rule: Json, at: string, top: boolean): void {
    const extra = top ? ['Next', 'Assign', 'Comment'] : ['Comment'];
    for (const combinator of ['And', 'Or']) {
      if (rule[combinator] === undefined) continue;
      const list = rule[combinator];
      if (!Array.isArray(list) || list.length === 0) this.add(`${at}.${combinator}`, `${combinator} is a non-empty array of rules`);
      else
        list.forEach((r, i) =>
          isObject(r) ? this.rule(r, `${at}.${combinator}[${i}]`, false) : this.add(`${at}.${combinator}[${i}]`, 'a rule is an object'),
        );
      this.onlyFields(rule, at, [combinator, ...extra]);
      return;
    }
    if (rule.Not !== undefined) {
      if (!isObject(rule.Not)) this.add(`${at}.Not`, 'Not is a rule');
      else this.rule(rule.Not, `${at}.Not`, false);
      this.onlyFields(rule, at, ['Not', ...extra]);
      return;
    }
    const ops = Object.keys(rule).filter((k) => OPERATORS.includes(k));
    if (ops.length !== 1) {
      this.add(
        at,
        ops.length === 0
          ? 'a Choice rule needs a comparison (e.g. StringEquals), a type test, And, Or or Not'
          : `one comparison per rule, not ${ops.join(' and ')}`,
      );
      return;
    }
    if (typeof rule.Variable !== 'string') this.add(`${at}.Variable`, 'Variable is missing');
    else this.path(rule.Variable, `${at}.Variable`, false);
    const op = operatorOf(rule)!;
    const value = rule[op];
    const where = `${at}.${op}`;
    if (op.endsWith('Path') && !(TYPE_TESTS as readonly string[]).includes(op)) {
      if (typeof value !== 'string') this.add(where, 'must be a path');
      else this.path(value, where, false);
    } else if ((TYPE_TESTS as readonly string[]).includes(op) || op.startsWith('Boolean')) {
      if (typeof value !== 'boolean') this.add(where, 'must be true or false');
    } else if (op.startsWith('String')) {
      if (typeof value !== 'string') this.add(where, 'must be a string');
    } else if (op.startsWith('Numeric')) {
      if (typeof value !== 'number') this.add(where, 'must be a number');
    } else if (op.startsWith('Timestamp') && parseTimestamp(value) === undefined) {
      this.add(where, 'must be an RFC 3339 timestamp, e.g. 2024-01-01T00:00:00Z');
    }
    this.onlyFields(rule, at, ['Variable', op, ...extra]);
  }

  private onlyFields(obj: Json, at: string, allowed: string[]): void {
    for (const field of Object.keys(obj)) if (!allowed.includes(field)) this.add(key(at, field), `'${field}' does not belong here`);
  }

  private wait(s: Json, at: string, lang: Lang): void {
    const given = ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'].filter((f) => s[f] !== undefined);
    if (given.length !== 1)
      this.add(
        at,
        'a Wait state has exactly one of Seconds, SecondsPath, Timestamp, TimestampPath' +
          (given.length ? `, not ${given.join(' and ')}` : ''),
      );
    if (s.Seconds !== undefined) {
      if (lang === 'JSONata' && isExpression(s.Seconds)) this.jsonata(s.Seconds, `${at}.Seconds`);
      else if (!isNonNegativeInteger(s.Seconds) || (s.Seconds as number) > MAX_SECONDS)
        this.add(`${at}.Seconds`, `must be a non-negative integer, at most ${MAX_SECONDS}`);
    }
    if (s.Timestamp !== undefined) {
      if (lang === 'JSONata' && isExpression(s.Timestamp)) this.jsonata(s.Timestamp, `${at}.Timestamp`);
      else if (parseTimestamp(s.Timestamp) === undefined)
        this.add(`${at}.Timestamp`, 'must be an RFC 3339 timestamp, e.g. 2024-01-01T00:00:00Z');
    }
    this.optionalPath(s, 'SecondsPath', at, { reference: true });
    this.optionalPath(s, 'TimestampPath', at, { reference: true });
  }

  private map(s: Json, at: string, lang: Lang): void {
    const processor = s.ItemProcessor ?? s.Iterator;
    if (s.ItemProcessor !== undefined && s.Iterator !== undefined) this.add(at, 'ItemProcessor or the older Iterator, not both');
    if (!isObject(processor)) this.add(`${at}.ItemProcessor`, 'ItemProcessor is missing: the states run for each item');
    else {
      const where = `${at}.${s.ItemProcessor !== undefined ? 'ItemProcessor' : 'Iterator'}`;
      if (processor.ProcessorConfig !== undefined) {
        const config = processor.ProcessorConfig;
        if (!isObject(config) || (config.Mode !== undefined && config.Mode !== 'INLINE' && config.Mode !== 'DISTRIBUTED'))
          this.add(`${where}.ProcessorConfig`, 'Mode is INLINE or DISTRIBUTED');
        else if (config.ExecutionType !== undefined && config.ExecutionType !== 'STANDARD' && config.ExecutionType !== 'EXPRESS')
          this.add(`${where}.ProcessorConfig.ExecutionType`, 'ExecutionType is STANDARD or EXPRESS');
      }
      const { ProcessorConfig: _config, ...machine } = processor;
      this.branch(machine, where, lang);
    }
    if (s.ItemSelector !== undefined && s.Parameters !== undefined) this.add(at, 'ItemSelector or the older Parameters, not both');
    this.mapIo(s, at, lang, isObject(processor) && isObject(processor.ProcessorConfig) && processor.ProcessorConfig.Mode === 'DISTRIBUTED');
    if (lang === 'JSONPath') {
      this.optionalPath(s, 'ItemsPath', at, { reference: true });
      if (s.ItemSelector !== undefined) this.template(s.ItemSelector, `${at}.ItemSelector`);
      for (const field of ['MaxConcurrencyPath', 'ToleratedFailureCountPath', 'ToleratedFailurePercentagePath'])
        this.optionalPath(s, field, at, { reference: true });
    } else {
      if (s.Items !== undefined && !Array.isArray(s.Items) && !isExpression(s.Items))
        this.add(`${at}.Items`, 'Items is an array or a {% %} expression');
      if (isExpression(s.Items)) this.jsonata(s.Items, `${at}.Items`);
      if (s.ItemSelector !== undefined) this.jsonata(s.ItemSelector, `${at}.ItemSelector`);
    }
    const numbers: [string, (v: unknown) => boolean, string][] = [
      ['MaxConcurrency', isNonNegativeInteger, 'a non-negative integer'],
      ['ToleratedFailureCount', isNonNegativeInteger, 'a non-negative integer'],
      ['ToleratedFailurePercentage', (v) => typeof v === 'number' && v >= 0 && v <= 100, 'a number from 0 to 100'],
    ];
    for (const [field, ok, what] of numbers) {
      const v = s[field];
      if (v === undefined) continue;
      if (lang === 'JSONata' && isExpression(v)) this.jsonata(v, `${at}.${field}`);
      else if (!ok(v)) this.add(`${at}.${field}`, `must be ${what}`);
      if (s[`${field}Path`] !== undefined) this.add(at, `${field} or ${field}Path, not both`);
    }
    if (s.ItemBatcher !== undefined && !isObject(s.ItemBatcher)) this.add(`${at}.ItemBatcher`, 'ItemBatcher is an object');
  }

  private errorHandling(s: Json, at: string, lang: Lang, goTo: (next: unknown, where: string) => void): void {
    for (const field of ['Retry', 'Catch'] as const) {
      const list = s[field];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        this.add(`${at}.${field}`, `${field} is an array`);
        continue;
      }
      list.forEach((rule, i) => {
        const where = `${at}.${field}[${i}]`;
        if (!isObject(rule)) return this.add(where, 'must be an object');
        const errors = rule.ErrorEquals;
        if (!Array.isArray(errors) || errors.length === 0 || errors.some((e) => typeof e !== 'string')) {
          this.add(`${where}.ErrorEquals`, 'ErrorEquals is a non-empty array of error names');
        } else if (errors.includes('States.ALL')) {
          if (errors.length > 1) this.add(`${where}.ErrorEquals`, 'States.ALL must be alone in its ErrorEquals');
          if (i !== list.length - 1)
            this.add(`${where}.ErrorEquals`, `States.ALL must be in the last ${field === 'Retry' ? 'retrier' : 'catcher'}`);
        }
        if (field === 'Retry') {
          this.onlyFields(rule, where, [
            'ErrorEquals',
            'IntervalSeconds',
            'MaxAttempts',
            'BackoffRate',
            'MaxDelaySeconds',
            'JitterStrategy',
            'Comment',
          ]);
          if (rule.IntervalSeconds !== undefined && !isSeconds(rule.IntervalSeconds))
            this.add(`${where}.IntervalSeconds`, `must be a positive integer, at most ${MAX_SECONDS}`);
          if (rule.MaxAttempts !== undefined && !isNonNegativeInteger(rule.MaxAttempts))
            this.add(`${where}.MaxAttempts`, 'must be a non-negative integer');
          if (rule.BackoffRate !== undefined && !(typeof rule.BackoffRate === 'number' && rule.BackoffRate >= 1))
            this.add(`${where}.BackoffRate`, 'must be a number of at least 1.0');
          if (
            rule.MaxDelaySeconds !== undefined &&
            !(isPositiveInteger(rule.MaxDelaySeconds) && (rule.MaxDelaySeconds as number) <= MAX_RETRY_DELAY_SECONDS)
          ) {
            this.add(`${where}.MaxDelaySeconds`, `must be a positive integer, at most ${MAX_RETRY_DELAY_SECONDS}`);
          }
          if (rule.JitterStrategy !== undefined && rule.JitterStrategy !== 'FULL' && rule.JitterStrategy !== 'NONE')
            this.add(`${where}.JitterStrategy`, 'must be FULL or NONE');
        } else {
          goTo(rule.Next, `${where}.Next`);
          if (lang === 'JSONPath') {
            this.onlyFields(rule, where, ['ErrorEquals', 'Next', 'ResultPath', 'Assign', 'Comment']);
            this.optionalPath(rule, 'ResultPath', where, { nullable: true, reference: true });
            if (rule.Assign !== undefined) this.template(rule.Assign, `${where}.Assign`, true);
          } else {
            this.onlyFields(rule, where, ['ErrorEquals', 'Next', 'Output', 'Assign', 'Comment']);
            for (const f of ['Output', 'Assign']) if (rule[f] !== undefined) this.jsonata(rule[f], `${where}.${f}`);
          }
        }
      });
    }
  }

  private optionalPath(obj: Json, field: string, at: string, options: { nullable?: boolean; reference?: boolean }): void {
    const value = obj[field];
    if (value === undefined) return;
    const where = `${at}.${field}`;
    if (value === null) {
      if (!options.nullable) this.add(where, 'cannot be null');
      return;
    }
    if (typeof value !== 'string') return this.add(where, 'must be a path string');
    this.path(value, where, options.reference ?? false);
  }

  private path(text: string, where: string, reference: boolean): void {
    try {
      const path = parsePath(text);
      if (reference && (!path.definite || !isReferencePath(path)))
        this.add(where, `'${text}' must be a reference path: names and indexes only, no wildcards, slices or filters`);
      if (where.endsWith('.ResultPath') && path.root.kind !== 'input') this.add(where, `'${text}' must start with $. (the state's input)`);
    } catch (error) {
      this.add(where, `bad path: ${(error as Error).message}`);
    }
  }

  /** A path or an intrinsic call (a `.$` value, ErrorPath, CausePath). */
  private dynamic(value: unknown, where: string): void {
    if (typeof value !== 'string') return this.add(where, 'must be a path or an intrinsic function, as a string');
    if (isIntrinsic(value)) {
      try {
        parseIntrinsic(value);
      } catch (error) {
        this.add(where, `bad intrinsic function: ${(error as Error).message}`);
      }
    } else this.path(value, where, false);
  }

  /** A JSONPath payload template: every `.$` key holds a path or an intrinsic. */
  private template(value: unknown, at: string, assign = false): void {
    if (Array.isArray(value)) return value.forEach((v, i) => this.template(v, `${at}[${i}]`));
    if (!isObject(value)) {
      if (assign) this.add(at, 'Assign is an object of variable names');
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      const where = key(at, k);
      if (assign && !IDENT.test(k.replace(/\.\$$/, '')))
        this.add(where, `'${k.replace(/\.\$$/, '')}' is not a variable name (letters, digits and _)`);
      if (k.endsWith('.$')) this.dynamic(v, where);
      else this.template(v, where);
    }
  }

  /** Every `{% %}` inside a JSONata field must compile, its regular expressions included. */
  private jsonata(value: unknown, at: string): void {
    if (isExpression(value)) {
      const problem = expressionProblem(value);
      if (problem !== undefined) this.add(at, `bad JSONata expression: ${problem}`);
    } else if (Array.isArray(value)) value.forEach((v, i) => this.jsonata(v, `${at}[${i}]`));
    else if (isObject(value)) for (const [k, v] of Object.entries(value)) this.jsonata(v, key(at, k));
    else if (typeof value === 'string' && value.includes('{%')) this.add(at, 'a JSONata expression is the whole string, written {% ... %}');
  }
}
