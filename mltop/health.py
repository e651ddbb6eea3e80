"""Whether the Celery broker can take work, for /healthz.

On Redis: a fresh connection that must answer a PING within ``timeout`` seconds. On the
embedded file-system broker there is no server: it can take work when its folders exist
and this process may write to them.
"""

import os

from kombu.exceptions import OperationalError
from redis.exceptions import RedisError


def broker_status(*, timeout: float) -> dict:
    from mltop.celery import app

    transport_options = dict(app.conf.broker_transport_options or {})
    if app.conf.broker_url.startswith("filesystem:"):
        folders = [
            transport_options[key]
            for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
            if transport_options.get(key)
        ]
        unwritable = [folder for folder in folders if not os.access(folder, os.W_OK | os.X_OK)]
        if unwritable:
            return {"status": "down", "transport": "filesystem", "error": "folder not writable"}
        return {"status": "ok", "transport": "filesystem"}

    transport_options.update(socket_timeout=timeout, socket_connect_timeout=timeout)
    connection = app.connection_for_write(connect_timeout=timeout, transport_options=transport_options)
    try:
        # No retries: a health check reports what it sees now.
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
        channel = connection.default_channel
        if hasattr(channel, "client"):
            channel.client.ping()  # Redis: the channel's own client, with the short timeouts above
        return {"status": "ok", "transport": connection.transport_cls}
    except (OperationalError, RedisError, OSError, *connection.connection_errors) as exc:
        return {"status": "down", "transport": connection.transport_cls, "error": exc.__class__.__name__}
    finally:
        connection.release()
