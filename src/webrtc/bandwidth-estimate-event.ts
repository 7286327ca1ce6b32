// omnirtc (non-standard): the 'bandwidthestimate' event of RTCPeerConnection. Server programs
// (an SFU picking simulcast layers, an encoder picking its bitrate) hear the send-side
// congestion controller's target (src/cc, draft-ietf-rmcat-gcc-02) when it moves by 5 % or
// more, or changed at all a second after the last event. The same number is in getStats() as
// the selected candidate-pair's availableOutgoingBitrate (W3C webrtc-stats §7.10).
export class RTCBandwidthEstimateEvent extends Event {
  /** Target outgoing bitrate for the whole transport, bits per second. */
  readonly bitrate: number;
  constructor(type: string, init: { bitrate: number }) {
    super(type);
    this.bitrate = init.bitrate;
  }
}
