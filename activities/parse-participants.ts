import { parseParticipantsCsv } from '../lib/participants/parse';
import type { ParticipantRow, Problem } from '../lib/types';
import { type RunData, runKeys } from '../storage/run-data';

export interface ParsedParticipants {
  rows: ParticipantRow[];
  problems: Problem[];
}

export interface ParseParticipantsInput {
  runId: string;
  /** The uploaded file's key. */
  csvKey: string;
}

/** Parse only: problems are carried to validation so a file's every problem is reported at once. */
export function createParseParticipants(data: RunData) {
  return async function parseParticipants({ runId, csvKey }: ParseParticipantsInput): Promise<{ parsedKey: string; rows: number }> {
    const csv = await data.store.get(csvKey);
    if (csv === undefined) throw new Error(`the uploaded participants file is missing: ${data.store.locate(csvKey)}`);
    const parsed: ParsedParticipants = parseParticipantsCsv(csv);
    const parsedKey = runKeys.parsed(runId);
    await data.write(parsedKey, parsed);
    return { parsedKey, rows: parsed.rows.length };
  };
}
