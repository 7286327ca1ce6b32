// RTCStatsReport (W3C WebRTC §8, webrtc-stats): one map of stats objects by id, with the
// W3C type and field names, plus omnirtc's counters of dropped bad input on the transport.
import type { IceCandidate } from '../ice/index.js';
import { mimeTypeOf } from './capabilities.js';
import type { Connection } from './connection.js';
import type { RTCCertificate } from './rtc-certificate.js';
import type { RTCRtpReceiver } from './rtc-rtp-receiver.js';
import type { RTCRtpSender } from './rtc-rtp-sender.js';
import type { RTCRtpTransceiver } from './rtc-rtp-transceiver.js';

export interface RTCStats {
  id: string;
  type: string;
  timestamp: number;
  [field: string]: unknown;
}

export class RTCStatsReport extends Map<string, RTCStats> {}

export interface StatsSources {
  transceivers: readonly RTCRtpTransceiver[];
  connection: Connection | null;
  localCertificate: RTCCertificate | null;
  remoteFingerprint: { algorithm: string; value: string } | null;
  iceState: string;
  dtlsState: string;
  dataChannels: { opened: number; closed: number; stats: RTCStats[] };
}

function candidateStats(id: string, type: 'local-candidate' | 'remote-candidate', c: IceCandidate, timestamp: number): RTCStats {
  return {
    id,
    type,
    timestamp,
    transportId: 'T01',
    address: c.address,
    port: c.port,
    protocol: c.transport,
    candidateType: c.type,
    priority: c.priority,
    foundation: c.foundation,
    ...(c.relatedAddress !== undefined ? { relatedAddress: c.relatedAddress, relatedPort: c.relatedPort } : {}),
    ...(c.relayProtocol !== undefined ? { relayProtocol: c.relayProtocol } : {}),
  };
}

const candKey = (c: IceCandidate): string => `${c.type}-${c.address}-${c.port}-${c.transport}`;

export function buildStatsReport(src: StatsSources, filter?: { sender?: RTCRtpSender; receiver?: RTCRtpReceiver }): RTCStatsReport {
  const timestamp = performance.timeOrigin + performance.now();
  const report = new RTCStatsReport();
  const add = (s: RTCStats): void => {
    report.set(s.id, s);
  };
  const conn = src.connection;
  if (!filter) {
    add({ id: 'P', type: 'peer-connection', timestamp, dataChannelsOpened: src.dataChannels.opened, dataChannelsClosed: src.dataChannels.closed });
    for (const s of src.dataChannels.stats) add(s);
  }
  // Transport, candidates, pairs, certificates.
  if (conn) {
    const local = new Map<string, string>();
    const remote = new Map<string, string>();
    conn.localCandidates.forEach((c, i) => {
      const id = `CL${i}`;
      local.set(candKey(c), id);
      if (!filter) add(candidateStats(id, 'local-candidate', c, timestamp));
    });
    conn.remoteCandidates.forEach((c, i) => {
      const id = `CR${i}`;
      remote.set(candKey(c), id);
      if (!filter) add(candidateStats(id, 'remote-candidate', c, timestamp));
    });
    const selected = conn.selectedPair;
    let selectedId: string | undefined;
    conn.candidatePairs.forEach((p, i) => {
      const id = `CP${i}`;
      const isSelected = selected !== undefined && candKey(selected.local) === candKey(p.local) && candKey(selected.remote) === candKey(p.remote);
      if (isSelected) selectedId = id;
      if (!filter) {
        const bitrate = isSelected ? conn.availableOutgoingBitrate : undefined;
        add({
          id, type: 'candidate-pair', timestamp, transportId: 'T01', localCandidateId: local.get(candKey(p.local)), remoteCandidateId: remote.get(candKey(p.remote)), state: p.state, nominated: p.nominated, selected: isSelected,
          ...(bitrate !== undefined ? { availableOutgoingBitrate: bitrate } : {}),
        });
      }
    });
    if (!filter) {
      const dtls = conn.dtlsEndpoint;
      const dtlsStats = dtls?.getStats();
      const srtp = conn.srtpStats;
      add({
        id: 'T01',
        type: 'transport',
        timestamp,
        bytesSent: dtlsStats?.bytesSent ?? 0,
        bytesReceived: dtlsStats?.bytesReceived ?? 0,
        iceState: src.iceState,
        dtlsState: src.dtlsState,
        dtlsRole: conn.dtlsRole ?? 'unknown',
        dtlsCipher: dtls?.negotiatedCipherSuite,
        srtpCipher: conn.srtpProfile,
        selectedCandidatePairId: selectedId,
        localCertificateId: src.localCertificate ? 'CF-local' : undefined,
        remoteCertificateId: src.remoteFingerprint ? 'CF-remote' : undefined,
        // omnirtc (non-standard): input dropped and counted instead of thrown (DESIGN.md
        // "Bad input"), by engine and reason, and the connection's feedback counters.
        omnirtcCounters: {
          connection: { ...conn.counters },
          transportCc: { ...conn.transportCcSender.stats },
          bandwidthEstimator: { ...conn.bandwidthEstimator.stats, estimate: conn.bandwidthEstimator.estimate, delayBased: conn.bandwidthEstimator.delayBasedEstimate, lossBased: conn.bandwidthEstimator.lossBasedEstimate, acknowledged: conn.bandwidthEstimator.acknowledgedBitrate ?? null, usage: conn.bandwidthEstimator.usage },
          pacer: { ...conn.pacer.stats, rate: conn.pacer.rate, queuedPackets: conn.pacer.queuedPackets },
          ice: { ...conn.iceStats },
          dtls: dtlsStats?.dropped ?? null,
          srtpInbound: srtp.inbound?.dropped ?? null,
          srtpOutbound: srtp.outbound?.dropped ?? null,
        },
      });
    }
  }
  if (!filter && src.localCertificate) {
    const f = src.localCertificate.getFingerprints()[0];
    add({ id: 'CF-local', type: 'certificate', timestamp, fingerprint: f.value, fingerprintAlgorithm: f.algorithm });
  }
  if (!filter && src.remoteFingerprint) {
    add({ id: 'CF-remote', type: 'certificate', timestamp, fingerprint: src.remoteFingerprint.value, fingerprintAlgorithm: src.remoteFingerprint.algorithm });
  }
  // RTP streams and their codecs.
  for (const t of src.transceivers) {
    if (t.mid === null) continue;
    // Simulcast (RFC 8853): one outbound-rtp / inbound-rtp per layer, each with its rid.
    for (const sender of [t.sender, ...t.sender.layerSenders]) {
      if ((!filter || filter.sender === t.sender) && sender.negotiated && sender.transport !== null) {
        const codec = sender.negotiated.codecs[0];
        const codecId = codec ? `CO-${t.mid}-${codec.payloadType}` : undefined;
        if (codec && codecId) add({ id: codecId, type: 'codec', timestamp, transportId: 'T01', payloadType: codec.payloadType, mimeType: mimeTypeOf(t.kind, codec.name), clockRate: codec.clockRate, ...(codec.channels !== undefined ? { channels: codec.channels } : {}), ...(codec.fmtp ? { sdpFmtpLine: codec.fmtp } : {}) });
        const s = sender.stats;
        const id = `OT-${sender.ssrc}`;
        add({
          id,
          type: 'outbound-rtp',
          timestamp,
          ssrc: sender.ssrc,
          kind: t.kind,
          mid: t.mid,
          ...(sender.layerSenders.length > 0 || sender.layerOf !== null ? { rid: sender.rid } : {}),
          transportId: 'T01',
          codecId,
          packetsSent: s.packetsSent,
          bytesSent: s.bytesSent,
          headerBytesSent: s.headerBytesSent,
          retransmittedPacketsSent: s.retransmittedPacketsSent,
          retransmittedBytesSent: s.retransmittedBytesSent,
          nackCount: s.nackCount,
          pliCount: s.pliCount,
          firCount: s.firCount,
          framesSent: s.framesSent,
          keyFramesEncoded: s.keyFramesEncoded,
          active: sender.encodings[0]?.active !== false,
          ...(sender.encodings[0]?.maxBitrate !== undefined ? { omnirtcFramesDroppedForMaxBitrate: s.framesDroppedForMaxBitrate } : {}),
          packetsDropped: s.packetsDropped,
          remoteId: sender.remoteReport ? `RI-${sender.ssrc}` : undefined,
        });
        if (sender.remoteReport) {
          const r = sender.remoteReport;
          add({
            id: `RI-${sender.ssrc}`,
            type: 'remote-inbound-rtp',
            timestamp,
            ssrc: sender.ssrc,
            kind: t.kind,
            transportId: 'T01',
            codecId,
            localId: id,
            packetsLost: r.packetsLost,
            fractionLost: r.fractionLost,
            jitter: codec ? r.jitter / codec.clockRate : r.jitter,
            ...(r.roundTripTime !== undefined ? { roundTripTime: r.roundTripTime } : {}),
          });
        }
      }
    }
    for (const receiver of [t.receiver, ...t.receiver.layerReceivers]) {
      if ((!filter || filter.receiver === t.receiver) && receiver.negotiated) {
        for (const [ssrc, st] of receiver.sources) {
          const codec = receiver.negotiated.codecs[0];
          const codecId = codec ? `CI-${t.mid}-${codec.payloadType}` : undefined;
          if (codec && codecId) add({ id: codecId, type: 'codec', timestamp, transportId: 'T01', payloadType: codec.payloadType, mimeType: mimeTypeOf(t.kind, codec.name), clockRate: codec.clockRate, ...(codec.channels !== undefined ? { channels: codec.channels } : {}), ...(codec.fmtp ? { sdpFmtpLine: codec.fmtp } : {}) });
          const c = receiver.counters;
          add({
            id: `IT-${ssrc}`,
            type: 'inbound-rtp',
            timestamp,
            ssrc,
            kind: t.kind,
            mid: t.mid,
            ...(receiver.track.rid !== null ? { rid: receiver.track.rid } : {}),
            transportId: 'T01',
            codecId,
            trackIdentifier: receiver.track.id,
            packetsReceived: st.received,
            bytesReceived: st.bytes,
            headerBytesReceived: st.headerBytes,
            packetsLost: st.lost,
            jitter: codec ? st.jitter / codec.clockRate : 0,
            lastPacketReceivedTimestamp: performance.timeOrigin + st.lastArrival,
            nackCount: c.nackSent,
            pliCount: c.keyFrameRequests,
            packetsDiscarded: c.packetsDiscarded,
            packetsDuplicated: st.duplicates,
            framesReceived: c.framesDecodedFromRtp,
            keyFramesReceived: c.keyFramesReceived,
            framesDropped: receiver.track.framesDropped,
            // omnirtc: packets whose payload type was not negotiated.
            unknownPayloadTypeDropped: c.unknownPayloadType,
            retransmittedPacketsReceived: c.rtxReceived,
            // omnirtc: the section's rid routing (RFC 8852), on its first layer: SSRCs paired, unknown rids, unroutable packets.
            ...(receiver.ridRouting ? { omnirtcRidRouting: { ...receiver.ridRouting } } : {}),
            // omnirtc: received RFC 4733 telephone-events (tones, end copies folded, malformed dropped).
            ...(receiver.dtmfCounters.packets > 0 ? { omnirtcTelephoneEvents: { ...receiver.dtmfCounters } } : {}),
            remoteId: conn?.senderReport(ssrc) ? `RO-${ssrc}` : undefined,
          });
          const sr = conn?.senderReport(ssrc);
          if (sr) {
            add({ id: `RO-${ssrc}`, type: 'remote-outbound-rtp', timestamp, ssrc, kind: t.kind, transportId: 'T01', codecId, localId: `IT-${ssrc}`, packetsSent: sr.packetsSent, bytesSent: sr.bytesSent, remoteTimestamp: sr.remoteTimestamp, reportsSent: sr.reportsSent });
          }
        }
      }
    }
  }
  return report;
}
