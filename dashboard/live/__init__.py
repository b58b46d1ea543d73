"""The live webcam: frames from WebRTC analysed in a session, with its clock and state."""
