// MediaStream (W3C Media Capture §4.2): a set of tracks with an id (the msid stream id).
import { EventTargetWithHandlers } from './event-handlers.js';
import type { MediaStreamTrack } from './media-stream-track.js';

export class MediaStreamTrackEvent extends Event {
  readonly track: MediaStreamTrack;
  constructor(type: 'addtrack' | 'removetrack', track: MediaStreamTrack) {
    super(type);
    this.track = track;
  }
}

export class MediaStream extends EventTargetWithHandlers {
  readonly id: string;
  readonly #tracks = new Map<string, MediaStreamTrack>();

  constructor(arg?: MediaStream | MediaStreamTrack[] | string) {
    super();
    if (typeof arg === 'string') {
      this.id = arg;
      return;
    }
    this.id = crypto.randomUUID();
    const tracks = arg instanceof MediaStream ? arg.getTracks() : (arg ?? []);
    for (const t of tracks) this.#tracks.set(t.id, t);
  }

  get active(): boolean {
    for (const t of this.#tracks.values()) if (t.readyState === 'live') return true;
    return false;
  }
  getTracks(): MediaStreamTrack[] {
    return [...this.#tracks.values()];
  }
  getAudioTracks(): MediaStreamTrack[] {
    return this.getTracks().filter((t) => t.kind === 'audio');
  }
  getVideoTracks(): MediaStreamTrack[] {
    return this.getTracks().filter((t) => t.kind === 'video');
  }
  getTrackById(id: string): MediaStreamTrack | null {
    return this.#tracks.get(id) ?? null;
  }
  addTrack(track: MediaStreamTrack): void {
    this.#tracks.set(track.id, track);
  }
  removeTrack(track: MediaStreamTrack): void {
    this.#tracks.delete(track.id);
  }
  clone(): MediaStream {
    return new MediaStream(this.getTracks().map((t) => t.clone()));
  }

  get onaddtrack(): ((ev: Event) => unknown) | null {
    return this.getHandler('addtrack');
  }
  set onaddtrack(h: ((ev: Event) => unknown) | null) {
    this.setHandler('addtrack', h);
  }
  get onremovetrack(): ((ev: Event) => unknown) | null {
    return this.getHandler('removetrack');
  }
  set onremovetrack(h: ((ev: Event) => unknown) | null) {
    this.setHandler('removetrack', h);
  }

  /** Remote streams change by negotiation and fire events (W3C WebRTC §4.4.1.6 "set associated remote streams"). */
  addRemoteTrack(track: MediaStreamTrack): void {
    if (this.#tracks.has(track.id)) return;
    this.#tracks.set(track.id, track);
    this.dispatchEvent(new MediaStreamTrackEvent('addtrack', track));
  }
  removeRemoteTrack(track: MediaStreamTrack): void {
    if (!this.#tracks.delete(track.id)) return;
    this.dispatchEvent(new MediaStreamTrackEvent('removetrack', track));
  }
}
