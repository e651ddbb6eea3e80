"""/healthz's broker check on the embedded file-system broker (Redis is tested stopped for real
in test_redis_stops.py): ready when its folders are there to write in, a 503 otherwise."""

import pytest

from mltop.celery import app as celery_app

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


@pytest.fixture
def filesystem_broker(tmp_path, settings):
    folders = {}
    for key, name in [("data_folder_in", "queue"), ("data_folder_out", "queue"), ("processed_folder", "processed")]:
        folders[key] = str(tmp_path / name)
        (tmp_path / name).mkdir(exist_ok=True)
    # Celery reads its CELERY_ settings from Django's on each access.
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = folders
    assert celery_app.conf.broker_transport_options == folders
    return tmp_path


def test_the_filesystem_broker_is_ok_when_its_folders_are_writable(client, filesystem_broker):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == {"status": "ok", "transport": "filesystem"}


def test_a_missing_broker_folder_is_a_503_for_the_broker_check_only(client, filesystem_broker):
    (filesystem_broker / "processed").rmdir()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down" and body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["broker"]["status"] == "down"
