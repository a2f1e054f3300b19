"""Failure notifications: Prefect automations that tell ops when a company's run failed or
crashed, and when one has been running for longer than it should.

Created (or replaced, by name) by `erpsync serve` at start and by `erpsync alerts` for a
`prefect.yaml` set-up, when `[notifications]` names where to send: a webhook that gets a
JSON POST (by reference: such URLs carry tokens), or an existing Prefect notification
block of any kind (e-mail through SendGrid, Slack, Teams, ...). They match the runs of
this company's deployments by their `company:<id>` tag.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from erpsync.config import Settings
from erpsync.errors import ConfigError

__all__ = ["ensure_automations"]

_ENDED = (
    "prefect.flow-run.Completed",
    "prefect.flow-run.Failed",
    "prefect.flow-run.Crashed",
    "prefect.flow-run.Cancelled",
)


def _block_id(settings: Settings) -> UUID | None:
    from prefect.blocks.notifications import CustomWebhookNotificationBlock
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    notify = settings.notifications
    if notify.block:
        slug, _, name = notify.block.partition("/")
        try:
            with get_client(sync_client=True) as client:
                return client.read_block_document_by_name(name, block_type_slug=slug).id
        except ObjectNotFound:
            raise ConfigError(
                f"notifications.block: there is no {slug} block named {name!r} on the server"
            ) from None
    if notify.webhook is not None:
        block = CustomWebhookNotificationBlock(
            name=f"erpsync {settings.company} alerts",
            url=notify.webhook.resolve().get_secret_value(),
            json_data={"subject": "{{subject}}", "text": "{{body}}"},
        )
        saved = block.save(f"erpsync-{settings.company.lower()}-alerts", overwrite=True)
        assert isinstance(saved, UUID)
        return saved
    return None


def ensure_automations(settings: Settings) -> list[str]:
    """Create or replace the company's two automations; returns their names ([] when
    no notification target is configured)."""
    from prefect.automations import Automation, EventTrigger, Posture, SendNotification
    from prefect.client.orchestration import get_client

    block = _block_id(settings)
    if block is None:
        return []
    company = settings.company
    ours = {
        "prefect.resource.role": "tag",
        "prefect.resource.id": f"prefect.tag.company:{company}",
    }
    runs = {"prefect.resource.id": "prefect.flow-run.*"}
    overdue = timedelta(minutes=settings.notifications.overdue_minutes)
    wanted = [
        Automation(
            name=f"erpsync {company}: run failed",
            description=f"A run of {company}'s erpsync deployments failed or crashed.",
            trigger=EventTrigger(
                match=runs,
                match_related=ours,
                expect={"prefect.flow-run.Failed", "prefect.flow-run.Crashed"},
                posture=Posture.Reactive,
                threshold=1,
                within=timedelta(0),
            ),
            actions=[
                SendNotification(
                    block_document_id=block,
                    subject=f"erpsync {company}: a run ended {{{{ flow_run.state.name }}}}",
                    body=(
                        f"erpsync {company}: {{{{ flow.name }}}} run {{{{ flow_run.name }}}} "
                        "ended {{ flow_run.state.name }}: {{ flow_run.state.message }}"
                    ),
                )
            ],
        ),
        Automation(
            name=f"erpsync {company}: run overdue",
            description=(
                f"A run of {company}'s erpsync deployments has not finished "
                f"{settings.notifications.overdue_minutes:g} minutes after it started."
            ),
            trigger=EventTrigger(
                match=runs,
                match_related=ours,
                after={"prefect.flow-run.Running"},
                expect=set(_ENDED),
                for_each={"prefect.resource.id"},
                posture=Posture.Proactive,
                threshold=1,
                within=overdue,
            ),
            actions=[
                SendNotification(
                    block_document_id=block,
                    subject=f"erpsync {company}: a run is overdue",
                    body=(
                        f"erpsync {company}: {{{{ flow.name }}}} run {{{{ flow_run.name }}}} "
                        f"has been running for more than {overdue}."
                    ),
                )
            ],
        ),
    ]
    with get_client(sync_client=True) as client:
        for automation in wanted:
            for old in client.read_automations_by_name(automation.name):
                client.delete_automation(old.id)
    for automation in wanted:
        automation.create()
    return [a.name for a in wanted]
