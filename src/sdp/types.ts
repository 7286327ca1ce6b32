// The SDP model: what RFC 8866 / JSEP (RFC 9429) lines a WebRTC peer exchanges, one field
// per line kind. Lines the model does not know are kept verbatim (`attributes`, `otherLines`)
// so a description survives parse → serialise.
import type { Candidate } from './candidate.js';

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
export type SetupRole = 'actpass' | 'active' | 'passive' | 'holdconn';

/** o= (RFC 8866 §5.2). sessionId/sessionVersion are decimal strings: they can exceed 2^53. */
export interface Origin {
  username: string;
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
}

/** c= (RFC 8866 §5.7). */
export interface ConnectionData {
  netType: string;
  addrType: string;
  address: string;
}

/** b= (RFC 8866 §5.8), e.g. AS:2000 or TIAS:64000. */
export interface Bandwidth {
  type: string;
  value: number;
}

/** a=group (RFC 5888), e.g. BUNDLE (RFC 9143) or LS. */
export interface Group {
  semantics: string;
  mids: string[];
}

/** a=fingerprint (RFC 8122 §5). `value` is upper-case colon-separated hex. */
export interface Fingerprint {
  algorithm: string;
  value: string;
}

/** a=rtcp (RFC 3605). */
export interface RtcpAttribute {
  port: number;
  netType?: string;
  addrType?: string;
  address?: string;
}

/** a=rtpmap (RFC 8866 §6.6). */
export interface RtpMap {
  payloadType: number;
  encodingName: string;
  clockRate: number;
  channels?: number;
}

/** a=fmtp (RFC 8866 §6.15). `parameters` is kept as sent; see fmtp.ts for a parsed view. */
export interface Fmtp {
  payloadType: number;
  parameters: string;
}

/** a=rtcp-fb (RFC 4585 §4.2). payloadType '*' applies to every format. */
export interface RtcpFeedback {
  payloadType: number | '*';
  type: string;
  parameter?: string;
}

/** a=extmap (RFC 8285 §8). */
export interface ExtMap {
  id: number;
  direction?: Direction;
  uri: string;
  attributes?: string;
}

/** a=ssrc (RFC 5576 §4.1): one attribute of a source, e.g. cname or msid. */
export interface SsrcAttribute {
  ssrc: number;
  attribute: string;
  value?: string;
}

/** a=ssrc-group (RFC 5576 §4.2), e.g. FID (RTX) or SIM. */
export interface SsrcGroup {
  semantics: string;
  ssrcs: number[];
}

/** a=msid (RFC 8830 §2). */
export interface Msid {
  streamId: string;
  trackId?: string;
}

/** a=rid (RFC 8851 §4): parsed and kept; restrictions stay as text. */
export interface Rid {
  id: string;
  direction: 'send' | 'recv';
  restrictions?: string;
}

/** a=simulcast (RFC 8853 §5.1): each list is alternatives of rids, `~` = paused. */
export interface SimulcastStream {
  rid: string;
  paused: boolean;
}
export interface Simulcast {
  send?: SimulcastStream[][];
  recv?: SimulcastStream[][];
}

/** a=msid-semantic (legacy, still sent by Chromium). */
export interface MsidSemantic {
  semantic: string;
  identifiers: string[];
}

/** An attribute the model has no field for, kept verbatim (name without 'a='). */
export interface OtherAttribute {
  name: string;
  value?: string;
}

/** A non-attribute line the model has no field for (i=, u=, e=, p=, z=, k=, r= …). */
export interface OtherLine {
  type: string;
  value: string;
}

/** Transport attributes shared by session and media level (JSEP RFC 9429 §5.2.1). */
export interface TransportAttributes {
  iceUfrag?: string;
  icePwd?: string;
  iceOptions?: string[];
  fingerprints: Fingerprint[];
  setup?: SetupRole;
  extMaps: ExtMap[];
  extmapAllowMixed: boolean;
  direction?: Direction;
  bandwidths: Bandwidth[];
  connection?: ConnectionData;
  attributes: OtherAttribute[];
  otherLines: OtherLine[];
}

export interface MediaDescription extends TransportAttributes {
  /** m= media: audio, video, application, text, message … */
  kind: string;
  port: number;
  numberOfPorts?: number;
  protocol: string;
  formats: string[];
  information?: string;
  mid?: string;
  candidates: Candidate[];
  endOfCandidates: boolean;
  rtcp?: RtcpAttribute;
  rtcpMux: boolean;
  rtcpMuxOnly: boolean;
  rtcpRsize: boolean;
  bundleOnly: boolean;
  rtpMaps: RtpMap[];
  fmtps: Fmtp[];
  rtcpFeedback: RtcpFeedback[];
  ssrcs: SsrcAttribute[];
  ssrcGroups: SsrcGroup[];
  msids: Msid[];
  rids: Rid[];
  simulcast?: Simulcast;
  /** a=sctp-port (RFC 8841 §5). */
  sctpPort?: number;
  /** a=max-message-size (RFC 8841 §6). */
  maxMessageSize?: number;
}

export interface SessionDescription extends TransportAttributes {
  version: number;
  origin: Origin;
  sessionName: string;
  information?: string;
  timing: { start: string; stop: string };
  iceLite: boolean;
  groups: Group[];
  msidSemantics: MsidSemantic[];
  media: MediaDescription[];
}
