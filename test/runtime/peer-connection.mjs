// Node ESM and Bun: the built package by its own name; the runtime's adapter is detected.
import { RTCPeerConnection } from 'omnirtc';
import { runtimeName, scenario } from './peer-connection-scenario.mjs';

await scenario(RTCPeerConnection, runtimeName());
