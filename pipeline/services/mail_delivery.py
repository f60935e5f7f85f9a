"""Use case: deliver what the outbox holds. Sent once marked, retried on temporary failures
with backoff, given up on (loudly) after a permanent failure or too many attempts."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.domain.notification import QueuedMail, retry_delay
from pipeline.errors import MailPermanentError, MailTemporaryError
from pipeline.faults import crash_point
from pipeline.services.context import Services, logger


@dataclass
class DeliveryReport:
    """What one delivery round did."""

    sent: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def deliver_due(app: Services) -> DeliveryReport:
    """Try every queued notification that is due; stop early while the server is down."""
    report = DeliveryReport()
    for queued in app.store.due_mail(app.clock.now()):
        if not _deliver(app, queued, report) and report.retrying:
            break  # the server is unreachable or busy: the rest waits for the next round
    return report


def _deliver(app: Services, queued: QueuedMail, report: DeliveryReport) -> bool:
    key = queued.notification.key
    try:
        app.mail.transport(queued.notification, app.settings.mail_from)
        crash_point("after_mail_sent")  # sent, not yet marked: the at-least-once window
    except MailTemporaryError as exc:
        if queued.attempts + 1 >= app.settings.smtp.max_attempts:
            return _give_up(app, key, f"{exc} (after {queued.attempts + 1} attempts)", report)
        when = app.clock.now() + retry_delay(queued.attempts + 1)
        with app.store.transaction():
            app.store.mark_retry(key, str(exc), when)
        logger.warning("mail %s: %s; retrying at %s", key, exc, when.isoformat(timespec="seconds"))
        report.retrying.append(key)
        return False
    except MailPermanentError as exc:
        return _give_up(app, key, str(exc), report)
    except Exception as exc:  # the message itself cannot be built or sent: it alone fails
        return _give_up(app, key, f"{type(exc).__name__}: {exc}", report)
    with app.store.transaction():
        app.store.mark_sent(key, app.clock.now())
    report.sent.append(key)
    return True


def _give_up(app: Services, key: str, error: str, report: DeliveryReport) -> bool:
    with app.store.transaction():
        app.store.mark_failed(key, error)
    logger.error("MAIL NOT DELIVERED %s: %s (see 'budget-erp mail')", key, error)
    report.failed.append(key)
    return False
