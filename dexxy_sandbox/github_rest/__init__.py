"""The GitHub REST emulator: routes, the request pipeline (auth, rate limit, faults, ETags), payloads.

Copilot (`dexxy_sandbox.copilot`) is served through this pipeline, and the GraphQL emulator reuses its
payload shapes.
"""
