import type { AllocateInput } from '../activities/allocate';
import { RunData, runKeys } from '../storage/run-data';
import type { Participant } from '../lib/types';

/** A broken allocate activity: everyone draws themselves, so every draw fails the independent check. */
export function selfDrawingAllocate(data: RunData, onDraw: () => void = () => undefined) {
  return async function allocate(input: AllocateInput) {
    onDraw();
    const participants = await data.read<Participant[]>(input.participantsKey);
    const drawKey = runKeys.draw(input.runId, input.attempt);
    await data.writeSealed(drawKey, { avoided: false, pairs: participants.map((p) => ({ giver: p.name, recipient: p.name })) });
    return { drawKey };
  };
}
