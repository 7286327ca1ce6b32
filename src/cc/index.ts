// Congestion control for outbound media: a GCC-style send-side bandwidth estimator
// (draft-ietf-rmcat-gcc-02) and a pacer. Sans-IO; the RTCPeerConnection's connection owns one of each.
export { SendSideBandwidthEstimator } from './send-side-bwe.js';
export type { BandwidthEstimatorOptions, BandwidthEstimatorStats } from './send-side-bwe.js';
export { Pacer } from './pacer.js';
export type { PacedPacketSink, PacerOptions, PacerStats } from './pacer.js';
export type { BandwidthUsage } from './overuse-detector.js';
export { CcError } from './errors.js';
export type { CcErrorCode } from './errors.js';
export { ProbeController, PROBE_PACKET_BYTES } from './probe-controller.js';
export type { ProbeControllerStats, ProbeInputs } from './probe-controller.js';
export type { BitrateProberStats } from './bitrate-prober.js';
export type { ProbeClusterStats } from './probe-bitrate-estimator.js';
