/**
 * Keeping the training session across window reloads: the last SavedSession (see protocol.ts; made by the
 * worker's `snapshot`) lives in the workspace's `workspaceState` under one key. It is restored only when its
 * CSV still has the saved size and modification time; otherwise it is dropped with a line in the log.
 * Saving is debounced by the SessionController; this module only stores, validates and checks.
 */
import { stat } from 'node:fs/promises';
import type * as vscode from 'vscode';
import type { SavedSession } from '../protocol';
import type { SessionSnapshot } from '../engine/train/session';

/** The workspaceState key of the saved session. */
export const SAVED_SESSION_KEY = 'logisticLab.savedSession';
/** Most characters of JSON stored (the worker trims the step record, comparison and history to fit, else skips). */
export const MAX_SAVED_CHARS = 1_000_000;
/** A change (step, reset, end of a run …) is saved this long after it, together with the changes in between. */
export const SAVE_DELAY_MS = 250;
/** During a long run the session is also saved about this often. */
export const RUN_SAVE_INTERVAL_MS = 30_000;

export class SessionStore {
  constructor(private readonly memento: vscode.Memento) {}

  /** The stored session, or undefined when there is none or it is not a SavedSession of this version. */
  read(): SavedSession | undefined {
    const raw = this.memento.get<unknown>(SAVED_SESSION_KEY);
    return isSavedSession(raw) ? raw : undefined;
  }

  /** Whether anything is stored under the key (even something unreadable). */
  get hasValue(): boolean {
    return this.memento.get<unknown>(SAVED_SESSION_KEY) !== undefined;
  }

  write(saved: SavedSession): Thenable<void> {
    return this.memento.update(SAVED_SESSION_KEY, saved);
  }

  clear(): Thenable<void> {
    return this.memento.update(SAVED_SESSION_KEY, undefined);
  }
}

/** Why a saved session can no longer be continued (its CSV vanished or changed), or null when it can. */
export async function staleReason(saved: SavedSession): Promise<string | null> {
  const name = baseName(saved.file);
  let st: { size: number; mtimeMs: number };
  try {
    st = await stat(saved.file);
  } catch {
    return `${name} no longer exists (${saved.file})`;
  }
  if (st.size !== saved.fileSize) return `${name} changed since (${saved.fileSize} → ${st.size} bytes)`;
  if (st.mtimeMs !== saved.fileMtimeMs) {
    return `${name} was modified since (${new Date(saved.fileMtimeMs).toISOString()} → ${new Date(st.mtimeMs).toISOString()})`;
  }
  return null;
}

/** A structural check of stored data (it may come from an older version of the extension). */
/** The session snapshot version this build reads (a type error here when SessionSnapshot's version changes). */
const SNAPSHOT_VERSION: SessionSnapshot['version'] = 2;

export function isSavedSession(v: unknown): v is SavedSession {
  if (!isRecord(v)) return false;
  if (v.format !== 'logistic-regression-lab/saved-session' || v.version !== 1) return false;
  if (typeof v.file !== 'string' || typeof v.fileSize !== 'number' || typeof v.fileMtimeMs !== 'number') return false;
  if (typeof v.threshold !== 'number' || !Array.isArray(v.trimmed)) return false;
  if (!isRecord(v.prepare) || typeof v.prepare.target !== 'string') return false;
  const s = v.session;
  if (!isRecord(s) || s.format !== 'logistic-regression-lab/session' || s.version !== SNAPSHOT_VERSION) return false;
  if (!isRecord(s.config) || !isRecord(s.optimizer)) return false;
  if (!Array.isArray(s.W) || !Array.isArray(s.b) || !Array.isArray(s.history)) return false;
  return typeof s.iteration === 'number' && typeof s.epoch === 'number';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}
