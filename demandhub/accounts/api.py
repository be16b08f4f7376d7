"""Who am I: the API caller's identity, roles and permissions."""

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[str]
    permissions: list[str]


@router.get("/me", response=MeOut, summary="The signed-in member of staff or token's account")
def me(request: HttpRequest) -> MeOut:  # any authenticated caller
    user = request.user
    return MeOut(
        username=user.get_username(),
        full_name=user.get_full_name(),  # type: ignore[union-attr]
        roles=sorted(g.name for g in user.groups.all()),  # type: ignore[union-attr]
        permissions=sorted(user.get_all_permissions()),
    )
