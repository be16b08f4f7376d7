"""The STUN/TURN servers browsers use to connect across networks (SCENE_ICE_SERVERS).

With SCENE_TURN_SECRET set, TURN entries without a username get short-lived credentials in the
"TURN REST API" form coturn accepts with use-auth-secret: username "<expiry>:<label>",
credential base64(HMAC-SHA1(secret, username)). No servers (the default) works on one network.
"""

import base64
import hashlib
import hmac
import time
from typing import Any

from django.conf import settings

CREDENTIAL_LIFETIME_S = 2 * 60 * 60


def ice_servers(label: str) -> list[dict[str, Any]]:
    servers: list[dict[str, Any]] = [dict(s) for s in settings.SCENE_ICE_SERVERS]
    secret = settings.SCENE_TURN_SECRET
    if not secret:
        return servers
    username = f"{int(time.time()) + CREDENTIAL_LIFETIME_S}:{label}"
    credential = base64.b64encode(
        hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    ).decode()
    for server in servers:
        urls = server.get("urls", [])
        urls = [urls] if isinstance(urls, str) else urls
        if any(str(u).startswith(("turn:", "turns:")) for u in urls) and "username" not in server:
            server["username"] = username
            server["credential"] = credential
    return servers
