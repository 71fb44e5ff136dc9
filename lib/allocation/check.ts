import type { AllocationOptions, Pair, Participant } from '../types';

/**
 * An independent check of a draw, sharing no code with allocate(). Returns what is wrong, in plain
 * words, or [] for a valid draw. Messages never say who drew whom: at most they name a giver.
 */
export function checkAllocation(participants: Participant[], pairs: Pair[], options: AllocationOptions = {}): string[] {
  const violations: string[] = [];
  const key = (name: string) => name.trim().replace(/\s+/g, ' ').normalize('NFC').toLowerCase();
  const people = new Map<string, Participant>();
  for (const p of participants) {
    if (people.has(key(p.name))) violations.push(`${p.name} is listed twice among the participants`);
    else people.set(key(p.name), p);
  }

  const gives = new Map<string, number>();
  const drawn = new Map<string, number>();
  let selfDraws = 0;
  for (const { giver, recipient } of pairs) {
    const from = people.get(key(giver));
    const to = people.get(key(recipient));
    if (!from) violations.push(`a giver is not a participant ("${giver}")`);
    if (!to) violations.push(`a giver drew a name that is not a participant${from ? ` (giver ${from.name})` : ''}`);
    if (from) gives.set(key(giver), (gives.get(key(giver)) ?? 0) + 1);
    if (to) drawn.set(key(recipient), (drawn.get(key(recipient)) ?? 0) + 1);
    if (!from || !to) continue;
    // Naming the giver of a self-draw would tell who they drew.
    if (from === to) {
      selfDraws++;
      continue;
    }
    if (from.exclusions.some((name) => key(name) === key(to.name))) {
      violations.push(`a giver drew someone they exclude (giver ${from.name})`);
    }
    if (from.group && to.group && key(from.group) === key(to.group)) {
      violations.push(`a giver drew someone of their own group (giver ${from.name})`);
    }
  }
  if (selfDraws > 0) violations.push(`${selfDraws} ${selfDraws === 1 ? 'giver drew themselves' : 'givers drew themselves'}`);

  // Counted, not named: naming a giver here would tell who they drew last time.
  const avoided = new Set((options.avoid ?? []).map((p) => `${key(p.giver)}\n${key(p.recipient)}`));
  const repeats = pairs.filter((p) => avoided.has(`${key(p.giver)}\n${key(p.recipient)}`)).length;
  if (repeats > 0)
    violations.push(`${repeats} ${repeats === 1 ? 'giver drew the same person' : 'givers drew the same people'} as in the draw to avoid`);

  for (const p of people.values()) {
    const g = gives.get(key(p.name)) ?? 0;
    const d = drawn.get(key(p.name)) ?? 0;
    if (g === 0) violations.push(`${p.name} gives to nobody`);
    if (g > 1) violations.push(`${p.name} gives ${g} times`);
    if (d === 0) violations.push(`nobody drew ${p.name}`);
    if (d > 1) violations.push(`${p.name} was drawn by ${d} givers`);
  }

  if (options.singleCycle && violations.length === 0) {
    const loops = countLoops(pairs.map((p) => [key(p.giver), key(p.recipient)]));
    if (loops > 1) violations.push(`the draw is ${loops} separate loops, not one loop through everyone`);
  }
  return violations;
}

/** Loops in a draw where everyone gives once and is drawn once. */
function countLoops(pairs: [string, string][]): number {
  const recipientOf = new Map(pairs);
  const seen = new Set<string>();
  let loops = 0;
  for (const [giver] of pairs) {
    if (seen.has(giver)) continue;
    loops++;
    for (let p: string | undefined = giver; p !== undefined && !seen.has(p); p = recipientOf.get(p)) seen.add(p);
  }
  return loops;
}
