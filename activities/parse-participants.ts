import { parseParticipantsCsv } from '../lib/participants/parse';
import type { ParticipantRow, Problem } from '../lib/types';

export interface ParsedParticipants {
  rows: ParticipantRow[];
  problems: Problem[];
}

/** Parse only: problems are carried to validation so a file's every problem is reported at once. */
export async function parseParticipants(csv: string): Promise<ParsedParticipants> {
  return parseParticipantsCsv(csv);
}
