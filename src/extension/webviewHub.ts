/**
 * Every open webview (dashboard panel, sidebar view) as one audience. Implements the ready handshake
 * (nothing is posted to a page before it said `ready`; then it gets the full state), checks incoming
 * messages before trusting them, and throttles live progress to about ten updates a second by merging
 * the history points of updates that arrive in between.
 */
import * as vscode from 'vscode';
import { settingsOf } from '../engine/settings-schema';
import type { PrepareOptions, TrainConfig } from '../engine/types';
import type { FromWebview, ProgressInfo, SessionState, ToWebview, WebviewCommand } from '../protocol';
import { checkedSpeed } from '../protocol';
import { cloneProgress, mergeProgress } from './progress-merge';


/** Minimum time between two progress messages to the webviews. */
export const PROGRESS_INTERVAL_MS = 100;

interface Endpoint {
  name: string;
  webview: vscode.Webview;
  ready: boolean;
}

export interface HubSource {
  readonly state: SessionState | undefined;
  readonly busy: string | null;
}

export type WebviewMessageHandler = (message: FromWebview, reply: (msg: ToWebview) => void) => void;

export class WebviewHub implements vscode.Disposable {
  private readonly endpoints = new Set<Endpoint>();
  private pendingProgress: ProgressInfo | undefined;
  private lastProgressAt = 0;
  private progressTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly source: HubSource,
    private readonly handler: WebviewMessageHandler,
    private readonly log: (message: string) => void,
  ) {}

  /** Starts talking to a webview; dispose the result when the webview goes away. */
  attach(name: string, webview: vscode.Webview): vscode.Disposable {
    const ep: Endpoint = { name, webview, ready: false };
    this.endpoints.add(ep);
    const sub = webview.onDidReceiveMessage((raw: unknown) => {
      const msg = parseFromWebview(raw);
      if (!msg) {
        this.log(`Ignored a malformed message from the ${name} webview: ${safeJson(raw)}`);
        return;
      }
      if (msg.type === 'ready') {
        ep.ready = true;
        this.postTo(ep, { type: 'state', state: this.source.state ?? null });
        if (this.source.busy) this.postTo(ep, { type: 'busy', label: this.source.busy });
        return;
      }
      this.handler(msg, (reply) => this.postTo(ep, reply));
    });
    return new vscode.Disposable(() => {
      sub.dispose();
      this.endpoints.delete(ep);
    });
  }

  /** Whether any page is listening (for tests and to skip work). */
  get readyCount(): number {
    let n = 0;
    for (const ep of this.endpoints) if (ep.ready) n++;
    return n;
  }

  /** Full state to every ready page; supersedes any progress not yet sent. */
  postState(state: SessionState | null): void {
    this.pendingProgress = undefined;
    this.broadcast({ type: 'state', state });
  }

  /** Live progress, merged and sent at most every PROGRESS_INTERVAL_MS. */
  postProgress(p: ProgressInfo): void {
    this.pendingProgress = this.pendingProgress ? mergeProgress(this.pendingProgress, p) : cloneProgress(p);
    const wait = this.lastProgressAt + PROGRESS_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.flushProgress();
    } else if (!this.progressTimer) {
      this.progressTimer = setTimeout(() => this.flushProgress(), wait);
    }
  }

  /** Any other message to every ready page. */
  broadcast(msg: ToWebview): void {
    for (const ep of this.endpoints) if (ep.ready) this.postTo(ep, msg);
  }

  dispose(): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    this.endpoints.clear();
  }

  private flushProgress(): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    const p = this.pendingProgress;
    this.pendingProgress = undefined;
    if (!p) return;
    this.lastProgressAt = Date.now();
    this.broadcast({ type: 'progress', progress: p });
  }

  private postTo(ep: Endpoint, msg: ToWebview): void {
    // A page that is hidden (and not retained) drops messages; it says `ready` again when shown.
    ep.webview.postMessage(msg).then(undefined, (err: unknown) => {
      this.log(`Could not post '${msg.type}' to the ${ep.name} webview: ${String(err)}`);
    });
  }
}

/** Every command a page may ask for (a Record, so a new WebviewCommand that is not listed is a type error). */
const COMMAND_LIST: Record<WebviewCommand, true> = {
  train: true,
  step: true,
  stepBack: true,
  stepEpoch: true,
  run: true,
  pause: true,
  reset: true,
  compare: true,
  sweep: true,
  export: true,
  showDashboard: true,
};
const COMMANDS: ReadonlySet<string> = new Set(Object.keys(COMMAND_LIST));

/** The training settings a page may set: the settings schema's training group (one list for every caller). */
const CONFIG_KEYS: ReadonlySet<string> = new Set(settingsOf('train').map((st) => st.key));
/** The preparation settings a page may change: the schema's preparation settings shown in the dashboard form. */
const PREPARE_FORM_KEYS: ReadonlySet<string> = new Set(settingsOf('prepare').filter((st) => st.form !== undefined).map((st) => st.key));

/** A message from a page, checked field by field (pages are ours, but their input is not trusted). */
/** Most characters a webview may put on the clipboard at once. */
export const MAX_COPY_CHARS = 1_000_000;

export function parseFromWebview(raw: unknown): FromWebview | null {
  if (!isRecord(raw) || typeof raw.type !== 'string') return null;
  switch (raw.type) {
    case 'ready':
      return { type: 'ready' };
    case 'command':
      return typeof raw.command === 'string' && COMMANDS.has(raw.command as WebviewCommand)
        ? { type: 'command', command: raw.command as WebviewCommand }
        : null;
    case 'setThreshold':
      return typeof raw.requestId === 'number' &&
        typeof raw.threshold === 'number' &&
        Number.isFinite(raw.threshold) &&
        raw.threshold >= 0 &&
        raw.threshold <= 1
        ? { type: 'setThreshold', requestId: raw.requestId, threshold: raw.threshold }
        : null;
    case 'extend':
      return typeof raw.epochs === 'number' && Number.isInteger(raw.epochs) && raw.epochs >= 1
        ? { type: 'extend', epochs: raw.epochs }
        : null;
    case 'goto':
      return typeof raw.iteration === 'number' && Number.isInteger(raw.iteration) && raw.iteration >= 0
        ? { type: 'goto', iteration: raw.iteration }
        : null;
    case 'row':
      return typeof raw.requestId === 'number' && (raw.split === 'train' || raw.split === 'test') && Number.isInteger(raw.index) && (raw.index as number) >= 0
        ? { type: 'row', requestId: raw.requestId, split: raw.split, index: raw.index as number }
        : null;
    case 'landscape':
      return typeof raw.requestId === 'number' && Number.isInteger(raw.p) && Number.isInteger(raw.q) &&
        (raw.p as number) >= 0 && (raw.q as number) >= 0
        ? { type: 'landscape', requestId: raw.requestId, p: raw.p as number, q: raw.q as number }
        : null;
    case 'clearEarlierRuns':
      return { type: 'clearEarlierRuns' };
    case 'boundary':
      return typeof raw.requestId === 'number' && Number.isInteger(raw.x) && Number.isInteger(raw.y) &&
        (raw.x as number) >= 0 && (raw.y as number) >= 0
        ? { type: 'boundary', requestId: raw.requestId, x: raw.x as number, y: raw.y as number }
        : null;
    case 'copy':
      return raw.what === 'rows' && typeof raw.text === 'string' && raw.text.length <= MAX_COPY_CHARS
        ? { type: 'copy', what: 'rows', text: raw.text }
        : null;
    case 'speed': {
      const v = checkedSpeed(raw.updatesPerSecond);
      return v === null ? null : { type: 'speed', updatesPerSecond: v };
    }
    case 'configure': {
      if (!isRecord(raw.config)) return null;
      const config: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(raw.config)) {
        if (!CONFIG_KEYS.has(k)) return null;
        if (v !== null && typeof v !== 'number' && typeof v !== 'string') return null;
        config[k] = v;
      }
      // Values are validated by the engine's resolveConfig, which names the bad field.
      if (raw.run !== undefined && typeof raw.run !== 'boolean') return null;
      if (raw.keepWeights !== undefined && typeof raw.keepWeights !== 'boolean') return null;
      const out: Extract<FromWebview, { type: 'configure' }> = { type: 'configure', config: config as Partial<TrainConfig> };
      if (raw.prepare !== undefined) {
        if (!isRecord(raw.prepare)) return null;
        const prepare: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(raw.prepare)) {
          if (!PREPARE_FORM_KEYS.has(k)) return null;
          if (typeof v !== 'number' && typeof v !== 'boolean') return null;
          prepare[k] = v;
        }
        // Values are validated by the preparation, which names the bad field.
        if (Object.keys(prepare).length > 0) out.prepare = prepare as Partial<PrepareOptions>;
      }
      if (raw.run === false) out.run = false;
      if (raw.keepWeights === true) out.keepWeights = true;
      return out;
    }
    default:
      return null;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function safeJson(v: unknown): string {
  try {
    return (JSON.stringify(v) ?? String(v)).slice(0, 200);
  } catch {
    return String(v).slice(0, 200);
  }
}
