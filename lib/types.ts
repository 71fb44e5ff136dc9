/** Shapes shared by the pure logic, the activities, the workflow, the API and the CLI. */
import type { Seed } from './random';

/** One participant row as read from the CSV, before validation. Cells are trimmed; absent columns are ''. */
export interface ParticipantRow {
  /** 1-based physical line number in the file where the record starts. */
  line: number;
  name: string;
  email: string;
  phone: string;
  /** Raw exclusions cell, names separated by ';'. */
  exclusions: string;
  group: string;
}

/** A validated participant. */
export interface Participant {
  line: number;
  name: string;
  email?: string;
  /** E.164, e.g. +447700900001. */
  phone?: string;
  /** Canonical names (as spelled in their own rows) this person must not draw. */
  exclusions: string[];
  group?: string;
}

/** A problem found in a participants file, reported with its line and field. */
export interface Problem {
  line: number;
  field: string;
  message: string;
}

export interface Pair {
  giver: string;
  recipient: string;
}

export interface Allocation {
  seed: Seed;
  pairs: Pair[];
}

/** How a draw may be made, beyond exclusions and groups (which come with the participants). */
export interface AllocationOptions {
  /** One loop through everyone (A→B→…→A) instead of possibly several smaller loops. */
  singleCycle?: boolean;
  /** Pairs that must not be drawn again, e.g. last year's draw. Names not among the participants are ignored. */
  avoid?: Pair[];
}

export type Channel = 'email' | 'sms';
