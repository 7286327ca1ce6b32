// Deno: the built ESM bundle (run with --unstable-net for Deno.listenDatagram); the Deno
// adapter is detected at run time.
import { RTCPeerConnection } from '../../dist/index.js';
import { runtimeName, scenario } from './peer-connection-scenario.mjs';

await scenario(RTCPeerConnection, runtimeName());
