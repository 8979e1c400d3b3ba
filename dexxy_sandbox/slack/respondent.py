"""The people answering: after a survey is posted, a simulated respondent clicks one of its buttons and the
sandbox POSTs a signed ``block_actions`` payload to the configured interactivity URL, as Slack does.

Who answers and what is seeded per (seed, user, pull request): a share never answers; on a pull request the
org generated with AI traces most answer "most" or "some" and tick its tools, on one without, most answer
"none" (and a few "some": AI use no trace shows, which is what the survey is for).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from dexxy_sandbox.org.model import SyntheticOrg
from dexxy_sandbox.slack.workspace import TEAM_ID, SlackUser

SURVEY_TOOLS = ("copilot", "cursor", "claude", "chatgpt", "codex", "gemini")


@dataclass(frozen=True)
class RespondentConfig:
    interactivity_url: str | None = None  # None: nobody answers
    signing_secret: str = "sandbox-signing-secret"
    never_answer_share: float = 0.2


@dataclass
class Delivery:
    """One answer sent: what was clicked and what the receiver said."""

    user_id: str
    pr_id: int | None
    answer: str
    tools: tuple[str, ...]
    status: int | None  # the receiver's HTTP status; None when it could not be reached


@dataclass
class SimulatedRespondent:
    org: SyntheticOrg
    seed: int
    server_url: Callable[[], str]
    config: RespondentConfig = field(default_factory=RespondentConfig)
    clock: Callable[[], float] = time.time
    deliveries: list[Delivery] = field(default_factory=list)
    _queue: queue.Queue[tuple[SlackUser, dict[str, Any], dict[str, Any]] | None] = field(
        default_factory=queue.Queue
    )
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def posted(self, user: SlackUser, message: dict[str, Any], request: dict[str, Any]) -> None:
        """A survey reached ``user``: maybe answer it (in the background, as a person would, later)."""
        if self.config.interactivity_url is None:
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="slack-respondent", daemon=True)
                self._thread.start()
        self._queue.put((user, message, request))

    def wait_idle(self) -> None:
        """Return once every answer decided so far was sent (tests and the demo synchronise on it)."""
        self._queue.join()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is not None:
                    self._answer(*item)
            finally:
                self._queue.task_done()

    def _answer(self, user: SlackUser, message: dict[str, Any], request: dict[str, Any]) -> None:
        survey = _survey_of(request)
        rng = random.Random(f"{self.seed}:{user.id}:{survey.get('pr_id')}:{message['ts']}")
        if rng.random() < self.config.never_answer_share:
            return
        answer, tools = self._choice(rng, survey)
        button = _button(message.get("blocks") or [], answer)
        if button is None:
            return
        payload = _block_actions(user, message, button, tools, self.server_url(), self.clock())
        body = urlencode({"payload": json.dumps(payload)}).encode()
        timestamp = str(int(self.clock()))
        base = b"v0:" + timestamp.encode() + b":" + body
        signature = "v0=" + hmac.new(self.config.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        status: int | None
        try:
            status = httpx.post(str(self.config.interactivity_url), content=body, headers=headers).status_code
        except httpx.HTTPError:
            status = None
        self.deliveries.append(Delivery(user.id, survey.get("pr_id"), answer, tools, status))

    def _choice(self, rng: random.Random, survey: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
        pr = self.org.pull(str(survey.get("repository") or ""), int(survey.get("number") or 0))
        traced = tuple(tool for tool in (pr.ai_tools if pr else ()) if tool in SURVEY_TOOLS)
        if pr is not None and pr.ai_tools:
            roll = rng.random()
            answer = "most" if roll < 0.55 else "some" if roll < 0.95 else "none"
            tools = traced or ("other",)
        else:
            answer = "some" if rng.random() < 0.15 else "none"
            tools = (rng.choice(SURVEY_TOOLS),)
        return answer, (tools if answer != "none" else ())


def _survey_of(request: dict[str, Any]) -> dict[str, Any]:
    metadata = request.get("metadata")
    payload = metadata.get("event_payload") if isinstance(metadata, dict) else None
    return payload if isinstance(payload, dict) else {}


def _button(blocks: list[Any], answer: str) -> tuple[str, dict[str, Any]] | None:
    """(block_id, element) of the button whose value ends with ``:<answer>``."""
    for block in blocks:
        if not isinstance(block, dict) or block.get("type") != "actions":
            continue
        for element in block.get("elements") or []:
            value = element.get("value") if isinstance(element, dict) else None
            if element.get("type") == "button" and isinstance(value, str) and value.endswith(":" + answer):
                return str(block.get("block_id")), element
    return None


def _block_actions(
    user: SlackUser,
    message: dict[str, Any],
    button: tuple[str, dict[str, Any]],
    tools: tuple[str, ...],
    server_url: str,
    now: float,
) -> dict[str, Any]:
    """A block_actions payload shaped as Slack sends it for a click on a button of a bot's DM."""
    block_id, element = button
    values: dict[str, Any] = {}
    for block in message.get("blocks") or []:
        for box in (block.get("elements") or []) if isinstance(block, dict) else []:
            if isinstance(box, dict) and box.get("type") == "checkboxes":
                chosen = [o for o in box.get("options") or [] if o.get("value") in tools]
                values[str(block.get("block_id"))] = {
                    str(box.get("action_id")): {"type": "checkboxes", "selected_options": chosen}
                }
    action_ts = f"{now:.6f}"
    channel = message["channel"]
    return {
        "type": "block_actions",
        "user": {"id": user.id, "username": user.name, "name": user.name, "team_id": TEAM_ID},
        "api_app_id": "A0DEXXYAPP",
        "token": "sandbox-verification-token",
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "trigger_id": f"{int(now)}.{hashlib.sha256(action_ts.encode()).hexdigest()[:12]}",
        "team": {"id": TEAM_ID, "domain": "dexxy-sandbox"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "directmessage"},
        "message": {k: v for k, v in message.items() if k != "channel"},
        "state": {"values": values},
        "response_url": f"{server_url}/slack/actions/{channel}/{message['ts']}",
        "actions": [
            {
                "action_id": element.get("action_id"),
                "block_id": block_id,
                "text": element.get("text"),
                "value": element.get("value"),
                "type": "button",
                "action_ts": action_ts,
            }
        ],
    }
