/** The chaos run's arithmetic: duplicates, wrong messages, and which crash a duplicate is blamed on. */
import { duplicatesByCrash, tallyChannel } from '../../scripts/chaos/report';

const expected = new Map([
  ['a@x', 'Hey A, you drew B'],
  ['b@x', 'Hey B, you drew A'],
  ['c@x', 'Hey C, you drew C2'],
]);

it('counts messages, people reached, duplicates beyond the first, and texts that differ from the stored draw', () => {
  const tally = tallyChannel(
    [
      { to: 'a@x', text: 'Hey A, you drew B' },
      { to: 'b@x', text: 'Hey B, you drew A' },
      { to: 'a@x', text: 'Hey A, you drew B' },
      { to: 'a@x', text: 'Hey A, you drew C' },
      { to: 'stranger@x', text: 'Hey?' },
    ],
    expected,
  );
  expect(tally).toEqual({ messages: 5, reached: 3, duplicates: 2, wrong: 2 });
});

it('blames a duplicate on the first crash after its first copy was accepted, per channel', () => {
  const email = [{ to: 'a@x' }, { to: 'b@x' }, { to: 'a@x' }, { to: 'c@x' }, { to: 'c@x' }, { to: 'b@x' }].map((m) => ({ ...m, text: '' }));
  const sms = [{ to: '+1' }, { to: '+1' }].map((m) => ({ ...m, text: '' }));
  const blamed = duplicatesByCrash(email, sms, [
    { label: 'kill 1', accepted: { email: 2, sms: 0 } },
    { label: 'server restart', accepted: { email: 3, sms: 1 } },
  ]);
  // a@x and b@x were first accepted before kill 1; c@x after the last crash; +1 between kill 1 and the restart.
  expect(Object.fromEntries(blamed)).toEqual({ 'kill 1': 2, 'server restart': 1, none: 1 });
});
