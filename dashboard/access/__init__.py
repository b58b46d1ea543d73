"""Accounts and access: who is looking, what they may see and change, share links."""
