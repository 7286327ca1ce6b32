#!/usr/bin/python3
# The aiortc (Debian python3-aiortc) side of omnirtc's aiortc interop tests, spawned by
# aiortc-*.run.ts inside a network namespace of their own. Signalling: JSON lines, the
# full SDP (aiortc does not trickle) on stdin/stdout; its last stdout line is the result.
#
# argv[1]: 'datachannel' | 'media'; argv[2]: 'offer' (aiortc offers) | 'answer'.
#   datachannel: the offerer opens 'msgs' before the offer, the answerer opens 'bulk' once
#     it has the offerer's 1000 messages. On 'msgs' each side sends 1000 messages alternating text and binary; on
#     'bulk' each side sends BULK_BYTES random bytes in chunks then 'end:<sha256 hex>'.
#   media: aiortc sends video (a VideoStreamTrack drawing moving bars, aiortc's VP8
#     encoder) and audio (a 440 Hz sine through aiortc's Opus encoder), and decodes what the
#     other side sends: frames and their size, audio samples.
import asyncio
import fractions
import hashlib
import json
import math
import os
import struct
import sys

import numpy
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, VideoStreamTrack
from av import AudioFrame, VideoFrame

MESSAGES = 1000
BULK_BYTES = 2 * 1024 * 1024
CHUNK = 16 * 1024


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def read_line(reader):
    line = await reader.readline()
    if not line:
        raise RuntimeError("stdin closed before the expected message")
    return json.loads(line)


def message(i):
    # Even: text, odd: binary carrying its index (so order is checked on both kinds).
    if i % 2 == 0:
        return "m%d" % i
    return struct.pack(">I", i) + bytes([i & 0xFF]) * (i % 200)


def same_message(i, got):
    return got == message(i)


class MovingBars(VideoStreamTrack):
    """320x240 frames whose content changes every frame (so VP8 has work to do)."""

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        img = numpy.zeros((240, 320, 3), numpy.uint8)
        x = (pts // 3000 * 8) % 320
        img[:, x : x + 16] = (255, 255, 255)
        img[:120, :, 1] = 128
        frame = VideoFrame.from_ndarray(img, format="bgr24")
        frame.pts = pts
        frame.time_base = time_base
        return frame


class Sine(AudioStreamTrack):
    """20 ms frames of a 440 Hz sine, 48 kHz mono s16."""

    def __init__(self):
        super().__init__()
        self._n = 0

    async def recv(self):
        frame = await super().recv()  # paces at real time and sets pts/time_base
        samples = frame.samples
        t = (numpy.arange(samples) + self._n) / 48000.0
        self._n += samples
        data = (numpy.sin(2 * math.pi * 440 * t) * 8000).astype(numpy.int16)
        out = AudioFrame.from_ndarray(data.reshape(1, -1), format="s16", layout="mono")
        out.sample_rate = 48000
        out.pts = frame.pts
        out.time_base = fractions.Fraction(1, 48000)
        return out


async def exchange(pc, reader, role):
    if role == "offer":
        await pc.setLocalDescription(await pc.createOffer())  # aiortc gathers fully here
        emit({"type": "offer", "sdp": pc.localDescription.sdp})
        msg = await read_line(reader)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=msg["sdp"], type="answer"))
    else:
        msg = await read_line(reader)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=msg["sdp"], type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        emit({"type": "answer", "sdp": pc.localDescription.sdp})


async def answer_status(reader, result):
    while True:
        msg = await read_line(reader)
        if msg.get("type") == "status":
            emit({"type": "status", **result})


async def run_datachannel(pc, reader, role):
    result = {"msgsReceived": 0, "msgsInOrder": True, "bulkBytes": 0, "bulkSha256Match": False, "channels": []}
    bulk = hashlib.sha256()
    all_msgs = asyncio.get_event_loop().create_future()
    done = asyncio.get_event_loop().create_future()

    def finish_if_done():
        if result["msgsReceived"] >= MESSAGES and "bulkEnd" in result and not done.done():
            done.set_result(None)

    def send_all(channel):
        if channel.label == "msgs":
            for i in range(MESSAGES):
                channel.send(message(i))
        else:
            data = os.urandom(BULK_BYTES)
            for off in range(0, BULK_BYTES, CHUNK):
                channel.send(data[off : off + CHUNK])
            channel.send("end:" + hashlib.sha256(data).hexdigest())

    def wire(channel, opened_here):
        result["channels"].append({"label": channel.label, "openedByAiortc": opened_here})

        @channel.on("message")
        def on_message(m):
            if channel.label == "msgs":
                if not same_message(result["msgsReceived"], m):
                    result["msgsInOrder"] = False
                result["msgsReceived"] += 1
                if result["msgsReceived"] == MESSAGES:
                    all_msgs.set_result(None)
            elif isinstance(m, str) and m.startswith("end:"):
                result["bulkEnd"] = True
                result["bulkSha256Match"] = m[4:] == bulk.hexdigest()
            else:
                result["bulkBytes"] += len(m)
                bulk.update(m)
            finish_if_done()

        if channel.readyState == "open":
            send_all(channel)
        else:
            channel.on("open", lambda: send_all(channel))

    @pc.on("datachannel")
    def on_datachannel(channel):
        wire(channel, False)

    if role == "offer":
        wire(pc.createDataChannel("msgs"), True)
    connected = asyncio.get_event_loop().create_future()

    @pc.on("connectionstatechange")
    def on_state():
        if pc.connectionState == "connected" and not connected.done():
            connected.set_result(None)

    await exchange(pc, reader, role)
    await connected
    if role == "answer":
        # Once the offerer's messages are in: one channel busy at a time (see the run script).
        await all_msgs
        wire(pc.createDataChannel("bulk"), True)
    # Until then, a 'status' line from the runner gets what has arrived so far (to say
    # where a run that times out stopped).
    status = asyncio.ensure_future(answer_status(reader, result))
    await done
    status.cancel()
    # Give the last sends time to leave before reporting (the other side waits for ours too).
    await asyncio.sleep(0.3)
    result.pop("bulkEnd", None)
    return result


async def run_media(pc, reader, role):
    got = {"video": {"frames": 0, "width": 0, "height": 0}, "audio": {"frames": 0, "samples": 0, "sampleRate": 0}}
    readers = []

    async def consume(track):
        stats = got[track.kind]
        try:
            while True:
                frame = await track.recv()
                stats["frames"] += 1
                if track.kind == "video":
                    stats["width"], stats["height"] = frame.width, frame.height
                else:
                    stats["samples"] += frame.samples
                    stats["sampleRate"] = frame.sample_rate
        except MediaStreamError:
            pass

    @pc.on("track")
    def on_track(track):
        readers.append(asyncio.ensure_future(consume(track)))

    if role == "offer":
        pc.addTrack(Sine())
        pc.addTrack(MovingBars())
    else:
        msg = await read_line(reader)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=msg["sdp"], type="offer"))
        pc.addTrack(Sine())
        pc.addTrack(MovingBars())
        await pc.setLocalDescription(await pc.createAnswer())
        emit({"type": "answer", "sdp": pc.localDescription.sdp})
    if role == "offer":
        await exchange(pc, reader, role)
    # The other side tells us when it has sent everything (and what it received).
    msg = await read_line(reader)
    if msg.get("type") != "done":
        raise RuntimeError("expected done, got %r" % msg)
    await asyncio.sleep(0.5)
    for r in readers:
        r.cancel()
    got["connectionState"] = pc.connectionState
    return got


async def main():
    mode, role = sys.argv[1], sys.argv[2]
    loop = asyncio.get_event_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    # No STUN server: aiortc's default would be a public one (network safety rule).
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    try:
        if mode == "datachannel":
            result = await run_datachannel(pc, reader, role)
        else:
            result = await run_media(pc, reader, role)
        emit({"type": "result", **result})
    finally:
        await pc.close()


if __name__ == "__main__":
    try:
        asyncio.run(asyncio.wait_for(main(), 40))
    except BaseException as e:  # the runner reads one JSON line whatever happens
        emit({"type": "result", "error": "%s: %s" % (type(e).__name__, e)})
        sys.exit(1)
