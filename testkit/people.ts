/** A participants file of `n` made-up people (`P0`, `P1`, …), each with an email and a phone unless told otherwise. */
export function peopleCsv(
  n: number,
  {
    prefix = 'P',
    contact = () => ({ email: true, phone: true }),
  }: { prefix?: string; contact?: (i: number) => { email?: boolean; phone?: boolean } } = {},
): string {
  return Array.from({ length: n }, (_, i) => {
    const { email, phone } = contact(i);
    return `${prefix}${i},${email ? `${prefix.toLowerCase()}${i}@example.com` : ''},${phone ? `+447${String(i).padStart(9, '0')}` : ''},`;
  }).join('\n');
}
