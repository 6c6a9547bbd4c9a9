"""Tell the coordinator when a run refused something: e-mail (SMTP) and/or an apprise URL."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from cpts.config import Settings

log = logging.getLogger(__name__)


def channels(settings: Settings) -> list[str]:
    out = []
    if settings.smtp_hote and settings.smtp_destinataires:
        out.append("smtp")
    if settings.notification_apprise is not None:
        out.append("apprise")
    return out


def send_mail(settings: Settings, subject: str, body: str) -> None:
    message = EmailMessage()
    message["Subject"], message["From"] = subject, settings.smtp_expediteur
    message["To"] = ", ".join(settings.smtp_destinataires)
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_hote, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_utilisateur and settings.smtp_mot_de_passe:
            smtp.login(settings.smtp_utilisateur, settings.smtp_mot_de_passe.get_secret_value())
        smtp.send_message(message)


def send_apprise(settings: Settings, subject: str, body: str) -> bool:
    import apprise

    sender = apprise.Apprise()
    sender.add(settings.notification_apprise.get_secret_value())
    return bool(sender.notify(title=subject, body=body))


def notify(settings: Settings, subject: str, body: str) -> list[str]:
    """Send on every configured channel; a failing channel is logged, never fatal to the run.
    Returns the channels that accepted the message."""
    sent = []
    for channel in channels(settings):
        try:
            if channel == "smtp":
                send_mail(settings, subject, body)
            elif not send_apprise(settings, subject, body):
                raise RuntimeError("apprise a refusé la notification")
            sent.append(channel)
        except Exception as exc:  # the run's result matters more than its notification
            log.warning("Notification %s non envoyée : %s", channel, exc)
    return sent
