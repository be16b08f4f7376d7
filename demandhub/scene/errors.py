"""Scene video domain errors (no HTTP); views and consumers translate them."""

from demandhub.core.errors import DomainError


class SceneError(DomainError):
    code = "scene_error"


class LinkNotUsable(SceneError):
    """The link is expired, revoked or bound to another device; `state` says which."""

    code = "link_not_usable"

    def __init__(self, state: str, message: str) -> None:
        super().__init__(message)
        self.state = state


class IncidentNotOpenForScene(SceneError):
    code = "incident_closed"


class SmsNotSent(SceneError):
    code = "sms_not_sent"


class EvidenceRejected(SceneError):
    code = "evidence_rejected"
