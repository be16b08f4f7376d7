"""Writes for scene video: links, consent, the caller's positions, text messages and evidence.

Each runs in one transaction, audits itself and tells the open sockets on commit.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.incidents import actions as incident_actions
from demandhub.incidents.errors import IncidentError
from demandhub.incidents.locations import LocationInvalid, from_latlon
from demandhub.incidents.models import Incident

from . import evidence as files
from . import links, positions, sms
from .errors import IncidentNotOpenForScene, LinkNotUsable, SmsNotSent
from .links import LinkState
from .models import Evidence, SceneLink, SceneLocation, SmsMessage
from .signalling import incident_group, link_group, send_on_commit

REFUSALS = {
    LinkState.EXPIRED: "This link has expired.",
    LinkState.REVOKED: "This link has been withdrawn by the control room.",
    "other_device": "This link has already been used on another device.",
}


def _lock(link: SceneLink) -> SceneLink:
    return SceneLink.objects.select_for_update().select_related("incident").get(pk=link.pk)


def _tell_staff(link: SceneLink, **message: object) -> None:
    send_on_commit(
        incident_group(link.incident_id), {"type": "scene.link", "link": link.pk, **message}
    )


@transaction.atomic
def create_link(incident: Incident, *, by: User) -> tuple[SceneLink, str]:
    """A new link for the caller, with its token: never stored, so shown only this once."""
    if incident.status == Incident.Status.CLOSED:
        raise IncidentNotOpenForScene("A closed incident cannot receive video from the scene.")
    token = links.new_token()
    now = timezone.now()
    link = SceneLink.objects.create(
        incident=incident,
        token_hash=links.digest(token),
        created_by=by,
        created_at=now,
        expires_at=now + timedelta(minutes=int(settings.SCENE_LINK_MINUTES)),
    )
    audit.record(
        Action.SCENE_LINK_CREATED,
        actor=by,
        subject=incident,
        link=link.pk,
        expires_at=link.expires_at,
    )
    _tell_staff(link, state="waiting")
    return link, token


@transaction.atomic
def revoke_link(link: SceneLink, *, by: User) -> SceneLink:
    """Withdraw a link: its caller is disconnected at once and it is refused from then on."""
    link = _lock(link)
    if link.revoked_at is not None:
        return link
    link.revoked_at = timezone.now()
    link.revoked_by = by
    link.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(Action.SCENE_LINK_REVOKED, actor=by, subject=link.incident, link=link.pk)
    send_on_commit(link_group(link.pk), {"type": "scene.revoked"})
    _tell_staff(link, state="revoked")
    return link


@transaction.atomic
def note_link_opened(link: SceneLink) -> SceneLink:
    """The caller's browser opened the link (before consent). The caller is anonymous: no actor."""
    link = _lock(link)
    if link.first_used_at is None:
        link.first_used_at = timezone.now()
        link.save(update_fields=["first_used_at"])
        audit.record(Action.SCENE_LINK_OPENED, actor=None, subject=link.incident, link=link.pk)
        _tell_staff(link, state="opened")
    return link


@transaction.atomic
def refuse_link(link: SceneLink, *, reason: str) -> None:
    """Record that a device was refused the link (expired, revoked, used on another device)."""
    audit.record(
        Action.SCENE_LINK_REFUSED, actor=None, subject=link.incident, link=link.pk, reason=reason
    )


@transaction.atomic
def give_consent(link: SceneLink, *, device_key: str) -> SceneLink:
    """The caller agreed to share video and location: bind the link to their browser session.

    Consenting again from the same session is harmless; any other device is refused.
    """
    link = _lock(link)
    state = links.state_of(link, timezone.now())
    if state in (LinkState.EXPIRED, LinkState.REVOKED):
        raise LinkNotUsable(state, REFUSALS[state])
    if state == LinkState.BOUND:
        if links.is_bound_to(link, device_key):
            return link
        raise LinkNotUsable("other_device", REFUSALS["other_device"])
    now = timezone.now()
    link.consent_at = now
    link.first_used_at = link.first_used_at or now
    link.device_hash = links.digest(device_key)
    link.save(update_fields=["consent_at", "first_used_at", "device_hash"])
    audit.record(Action.SCENE_CONSENT_GIVEN, actor=None, subject=link.incident, link=link.pk)
    _tell_staff(link, state="consented")
    return link


def sms_body(url: str, link: SceneLink) -> str:
    until = timezone.localtime(link.expires_at).strftime("%H:%M")
    return (
        f"The police control room asks you to share live video and your location: {url} "
        f"The link works on one phone only and stops working at {until}."
    )


def send_link_by_sms(link: SceneLink, *, by: User, to: str, url: str, token: str) -> SmsMessage:
    """Text the link to the caller through the SMS gateway, then record and audit the message.

    The gateway is called outside the transaction (no row lock held over the network); the
    message is recorded whatever the outcome, and SmsNotSent raised if the gateway refused it.
    """
    state = links.state_of(link, timezone.now())
    if state != LinkState.WAITING:
        raise LinkNotUsable(state, "Only a link nobody has used yet can be sent.")
    body = sms_body(url, link)
    gateway = sms.backend()
    delivery = gateway.send(to=to, body=body)
    with transaction.atomic():
        message = SmsMessage.objects.create(
            link=link,
            to=to,
            body=links.mask(body, token),
            backend=gateway.name,
            status=delivery.status,
            gateway_reference=delivery.reference,
            error=delivery.error,
            sent_by=by,
            sent_at=timezone.now(),
        )
        audit.record(
            Action.SCENE_LINK_SENT,
            actor=by,
            subject=link.incident,
            link=link.pk,
            to=to,
            backend=gateway.name,
            status=delivery.status,
            error=delivery.error,
        )
    if delivery.status == SmsMessage.Status.FAILED:
        raise SmsNotSent(f"The text message was not sent: {delivery.error}")
    return message


@transaction.atomic
def record_caller_connected(link: SceneLink) -> None:
    audit.record(Action.SCENE_CALLER_CONNECTED, actor=None, subject=link.incident, link=link.pk)


@transaction.atomic
def record_stream_watched(link: SceneLink, *, by: User) -> None:
    audit.record(Action.SCENE_STREAM_WATCHED, actor=by, subject=link.incident, link=link.pk)


def _fix(location: SceneLocation | None) -> positions.Fix | None:
    if location is None:
        return None
    return positions.Fix(
        location.latitude, location.longitude, location.accuracy_m, location.reported_at
    )


@transaction.atomic
def record_caller_location(
    link: SceneLink, *, latitude: float, longitude: float, accuracy_m: float
) -> SceneLocation | None:
    """Keep a position from the caller's phone, and set it as the incident's location when it
    is the first or moved or sharpened (positions.py). None when it added nothing new."""
    link = _lock(link)
    now = timezone.now()
    new = positions.Fix(latitude, longitude, accuracy_m, now)
    kept = link.locations.order_by("-reported_at", "-pk")
    if not positions.worth_keeping(_fix(kept.first()), new):
        return None
    location = SceneLocation(
        link=link,
        incident=link.incident,
        latitude=latitude,
        longitude=longitude,
        accuracy_m=accuracy_m,
        reported_at=now,
    )
    if positions.worth_applying(_fix(kept.filter(applied=True).first()), new):
        location.applied = _set_incident_location(link.incident, new)
    location.save()
    audit.record(
        Action.SCENE_LOCATION_SHARED,
        actor=None,
        subject=link.incident,
        link=link.pk,
        latitude=latitude,
        longitude=longitude,
        accuracy_m=accuracy_m,
        applied=location.applied,
    )
    send_on_commit(
        incident_group(link.incident_id),
        {
            "type": "scene.location",
            "link": link.pk,
            "latitude": latitude,
            "longitude": longitude,
            "accuracy": accuracy_m,
            "at": now.isoformat(),
            "applied": location.applied,
        },
    )
    return location


def _set_incident_location(incident: Incident, fix: positions.Fix) -> bool:
    text = f"{fix.latitude:.5f}, {fix.longitude:.5f} (caller's phone, ±{fix.accuracy_m:.0f} m)"
    try:
        location = from_latlon(
            fix.latitude, fix.longitude, text=text, source="scene", accuracy_m=fix.accuracy_m
        )
        # by=None: the caller's phone, not a member of staff, set it (a system action).
        incident_actions.set_location(incident, by=None, location=location)  # type: ignore[arg-type]
    except (IncidentError, LocationInvalid):
        return False  # a closed incident keeps its location; the position is still kept
    return True


def record_evidence(
    link: SceneLink,
    *,
    by: User,
    kind: str,
    content_type: str,
    chunks: Iterable[bytes],
) -> Evidence:
    """Store a still or a recording from the link's stream with its SHA-256, and audit it.

    The file is written first (outside the transaction: it may be large); if the row cannot be
    written the file is removed again.
    """
    extension = files.extension_for(kind, content_type)
    stored = files.store(chunks, kind=kind, folder=link.incident.reference, extension=extension)
    try:
        with transaction.atomic():
            item = Evidence.objects.create(
                incident=link.incident,
                link=link,
                kind=kind,
                path=stored.path,
                content_type=content_type.split(";", 1)[0].strip().lower(),
                size=stored.size,
                sha256=stored.sha256,
                captured_by=by,
                captured_at=timezone.now(),
            )
            audit.record(
                Action.SCENE_EVIDENCE_CAPTURED,
                actor=by,
                subject=item,
                incident=link.incident.reference,
                link=link.pk,
                kind=kind,
                sha256=stored.sha256,
                size=stored.size,
            )
            send_on_commit(
                incident_group(link.incident_id), {"type": "scene.evidence", "pk": item.pk}
            )
    except BaseException:
        files.discard(stored)
        raise
    return item
