/** Example "dice": one roll of a die. */
export async function rollDie({ sides = 6 }: { sides?: number }): Promise<number> {
  if (!Number.isInteger(sides) || sides < 2) throw new RangeError(`a die has a whole number of sides, at least 2, not ${sides}`);
  return 1 + Math.floor(Math.random() * sides);
}
