// RTCSessionDescription (W3C WebRTC §4.8.1).
import { domError } from './errors.js';

export type RTCSdpType = 'offer' | 'pranswer' | 'answer' | 'rollback';

export interface RTCSessionDescriptionInit {
  type: RTCSdpType;
  sdp?: string;
}

const TYPES: ReadonlySet<string> = new Set(['offer', 'pranswer', 'answer', 'rollback']);

export class RTCSessionDescription {
  readonly type: RTCSdpType;
  readonly sdp: string;

  constructor(init: RTCSessionDescriptionInit) {
    if (init === null || typeof init !== 'object' || !TYPES.has(init.type)) {
      throw domError('TypeError', `RTCSessionDescription needs type "offer", "pranswer", "answer" or "rollback"`);
    }
    this.type = init.type;
    this.sdp = init.sdp ?? '';
  }

  toJSON(): RTCSessionDescriptionInit {
    return { type: this.type, sdp: this.sdp };
  }
}
