"""Rotating the Datakluis key (docs/adr/0027-datakluis-key-rotation.md): a new key goes on
the first line of the key file, the old one stays below it until `hersteld datakluis rotate`
has sealed everything again with the new one; then the old line can go and nothing is lost."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from hersteld.core.models import AuditEvent
from hersteld.exchange import services
from hersteld.exchange.models import InboxMessage, InboxStatus
from hersteld.people import vault
from hersteld.people.models import Employee, SealedIdentity
from hersteld.people.services import bsn_holder
from tests.support.exchange import job, person
from tests.support.vault import key_file, vault_coupling

pytestmark = pytest.mark.django_db

BSN = "111222333"


@pytest.fixture
def old_key(settings: Any, tmp_path: Path) -> str:
    path = key_file(tmp_path)
    settings.DATAKLUIS_KEY_FILE = str(path)
    return path.read_text(encoding="ascii").strip()


@pytest.fixture
def sealed(world: Any, old_key: str) -> Any:
    """A Datakluis coupling (BSN allowed) that has sent one person, sealed with the old key."""
    coupling = vault_coupling(world, bsn=True)
    item = {
        "employee": person("R-1", bsn=BSN, surname="Sleutelaar"),
        "employment": job("RD-1", department_code=world.department.code),
    }
    message = coupling.deliver("KLUIS-ROT-1", [item], message_type="employee")
    assert message.status == InboxStatus.PROCESSED, message.errors
    world.vault = coupling
    world.sealed_person = Employee.objects.get(employer=world.employer, sealed=True)
    return world


def use_keys(settings: Any, tmp_path: Path, *keys: str) -> None:
    """The key file as an administrator leaves it: the given keys, newest first."""
    path = tmp_path / "rotated.key"
    path.write_text("# keys of the Datakluis, newest first\n" + "\n".join(keys) + "\n")
    settings.DATAKLUIS_KEY_FILE = str(path)


def opens_with(key: str, token: bytes) -> bool:
    try:
        Fernet(key.encode()).decrypt(bytes(token))
    except Exception:
        return False
    return True


def command(*args: str) -> str:
    out = StringIO()
    call_command("datakluis", *args, stdout=out)
    return out.getvalue()


def found_by_bsn(world: Any) -> Employee | None:
    """Whom a coupling's message with this BSN finds (by the keyed digest): without a match
    the person would be created twice."""
    return bsn_holder(world.employer.pk, BSN)


def test_the_new_key_seals_and_the_old_one_still_opens(
    sealed: Any, old_key: str, settings: Any, tmp_path: Path
) -> None:
    new_key = Fernet.generate_key().decode()
    use_keys(settings, tmp_path, new_key, old_key)
    identity = SealedIdentity.objects.get(employee=sealed.sealed_person)
    assert vault.unseal(identity.token)["surname"] == "Sleutelaar"
    fresh = vault.seal({"surname": "Nieuw"})
    assert opens_with(new_key, fresh) and not opens_with(old_key, fresh)
    assert found_by_bsn(sealed) == sealed.sealed_person


def test_rotate_reseals_everything_so_the_old_key_can_go(
    sealed: Any, old_key: str, settings: Any, tmp_path: Path
) -> None:
    new_key = Fernet.generate_key().decode()
    use_keys(settings, tmp_path, new_key, old_key)
    assert "Needing an earlier key: 1 sealed identities, 1 inbox messages" in command("check")

    out = command("rotate")
    assert "Re-sealed with the current key: 1 sealed identities, 1 inbox messages" in out
    assert "Needing an earlier key: 0 sealed identities, 0 inbox messages" in out
    assert "the other lines may be removed" in out

    use_keys(settings, tmp_path, new_key)  # the old line removed
    identity = SealedIdentity.objects.get(employee=sealed.sealed_person)
    assert opens_with(new_key, identity.token) and not opens_with(old_key, identity.token)
    assert vault.unseal(identity.token)["bsn"] == BSN
    (inbox,) = InboxMessage.objects.filter(coupling=sealed.vault.coupling)
    assert b"Sleutelaar" in services.body_of(inbox)
    assert found_by_bsn(sealed) == sealed.sealed_person  # digested again with the new key


def test_without_rotating_the_old_key_cannot_go(sealed: Any, settings: Any, tmp_path: Path) -> None:
    use_keys(settings, tmp_path, Fernet.generate_key().decode())
    assert "Needing an earlier key: 1 sealed identities, 1 inbox messages" in command("check")
    identity = SealedIdentity.objects.get(employee=sealed.sealed_person)
    with pytest.raises(vault.VaultKeyMissing):
        vault.unseal(identity.token)
    assert found_by_bsn(sealed) is None


def test_rotating_changes_neither_the_person_nor_his_history(
    sealed: Any, old_key: str, settings: Any, tmp_path: Path
) -> None:
    before = SealedIdentity.objects.get(employee=sealed.sealed_person)
    events = AuditEvent.objects.count()
    use_keys(settings, tmp_path, Fernet.generate_key().decode(), old_key)
    command("rotate")
    after = SealedIdentity.objects.get(employee=sealed.sealed_person)
    assert after.token != before.token
    assert after.updated_at == before.updated_at
    assert vault.unseal(after.token) == vault.unseal(before.token)
    assert AuditEvent.objects.count() == events


def test_a_broken_line_in_the_key_file_is_named(
    old_key: str, settings: Any, tmp_path: Path
) -> None:
    use_keys(settings, tmp_path, Fernet.generate_key().decode(), "not-a-key")
    assert "line 3 holds no Fernet key" in (vault.key_problem() or "")
    with pytest.raises(vault.VaultKeyMissing):
        vault.seal({"surname": "Kluisvrouw"})
