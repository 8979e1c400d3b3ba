"""The Copilot seats and usage-metrics reports, served under the GitHub REST root."""
