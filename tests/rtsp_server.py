#!/usr/bin/python3
"""A real RTSP camera for tests: loops an H.264 MP4 forever, without re-encoding.

Runs under the system Python with Debian's python3-gi (not the project's venv):
    /usr/bin/python3 tests/rtsp_server.py FILE --port 8554 [--path /cam] [--user NAME:PASSWORD]
Needs gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0 python3-gi and gstreamer1.0-plugins-{base,
good,bad} (scripts/test.sh installs them). Prints one "serving" line once it listens.

What looping has to get right (see TESTING.md): seek with SEGMENT flags sent to qtdemux
itself, so the file's end posts SEGMENT_DONE (not EOS), answered by a non-flushing
segment seek back to 0 (running time keeps growing, so RTP timestamps stay monotonic);
and replace the server's own seek when a client PLAYs with a Range, or the file would
end in EOS. Every client that starts the shared stream sees the file from frame 0.
With --user, clients must authenticate (Basic): anyone else gets 401.
"""
import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

Gst.init(None)
OUR_SEEKS = set()


def _seek(demux, flush):
    flags = Gst.SeekFlags.SEGMENT
    if flush:
        flags |= Gst.SeekFlags.FLUSH | Gst.SeekFlags.KEY_UNIT
    event = Gst.Event.new_seek(1.0, Gst.Format.TIME, flags, Gst.SeekType.SET, 0,
                               Gst.SeekType.NONE, -1)
    OUR_SEEKS.add(event.get_seqnum())
    return demux.send_event(event)


def _drop_foreign_seeks(pad, info):
    event = info.get_event()
    if event.type == Gst.EventType.SEEK and event.get_seqnum() not in OUR_SEEKS:
        _seek(pad.get_parent_element(), flush=True)
        return Gst.PadProbeReturn.DROP
    return Gst.PadProbeReturn.OK


class LoopingMedia(GstRtspServer.RTSPMedia):
    def do_prepared(self):
        demux = self.get_element().get_by_name("demux")
        for pad in demux.srcpads:
            pad.add_probe(Gst.PadProbeType.EVENT_UPSTREAM, _drop_foreign_seeks)
        _seek(demux, flush=True)

    def do_handle_message(self, message):
        if message.type == Gst.MessageType.SEGMENT_DONE:
            _seek(self.get_element().get_by_name("demux"), flush=False)
            return True
        return GstRtspServer.RTSPMedia.do_handle_message(self, message)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--port", default="8554")
    parser.add_argument("--path", default="/cam")
    parser.add_argument("--user", default=None, help="NAME:PASSWORD required of clients")
    args = parser.parse_args()

    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(args.port)
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(f'( filesrc location="{args.file}" ! qtdemux name=demux ! h264parse ! '
                       "rtph264pay name=pay0 pt=96 config-interval=1 )")
    factory.set_shared(True)
    factory.set_media_gtype(LoopingMedia)
    if args.user:
        name, password = args.user.split(":", 1)
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "viewer")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(name, password), token)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        for permission in (GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS,
                           GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT):
            permissions.add_permission_for_role("viewer", permission, True)
        factory.set_permissions(permissions)
    server.get_mount_points().add_factory(args.path, factory)
    if server.attach(None) == 0:
        sys.exit(f"cannot bind 127.0.0.1:{args.port}")
    print(f"serving rtsp://127.0.0.1:{args.port}{args.path}", flush=True)
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    loop.run()


if __name__ == "__main__":
    main()
