"""Landlord organisations (§19(1) sentence 2 BMG): enrolled by their town's admin, members added by
e-mail and removed without losing the record, the access state of a member, the admin scope."""

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.db import connection
from django.urls import reverse

from rathaus.accounts import demo
from rathaus.accounts.constants import LandlordAccess, StaffRole
from rathaus.accounts.models import LandlordMembership, LandlordOrganisation, TOTPDevice, User
from rathaus.accounts.selectors import landlord_access_for
from rathaus.accounts.services import landlord_member_active_set, landlord_member_add
from rathaus.core.models import AuditEvent
from rathaus.notifications.models import OutboxMessage
from rathaus.settings import base as base_settings

from .factories import (
    as_verified,
    citizen_create,
    landlord_member_create,
    landlord_organisation_create,
    login_verified,
    staff_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def wohnbau(norderstedt):
    return landlord_organisation_create(municipality=norderstedt, name="Wohnbau Norderstedt GmbH")


@pytest.fixture
def nor_admin(norderstedt):
    return staff_create(municipality=norderstedt, role=StaffRole.ADMIN)


@pytest.fixture
def rei_admin(reinbek):
    return staff_create(municipality=reinbek, role=StaffRole.ADMIN)


# --- who may confirm in an organisation's name ------------------------------------------------
def test_a_member_with_the_second_factor_is_granted(norderstedt, wohnbau):
    member = as_verified(landlord_member_create(organisation=wohnbau))
    result = landlord_access_for(user=member, municipality=norderstedt)
    assert result.granted and result.membership.organisation == wohnbau


def test_someone_no_organisation_authorised_is_not_asked(norderstedt):
    assert landlord_access_for(user=citizen_create(), municipality=norderstedt) is None


def test_refusals(norderstedt, reinbek, wohnbau):
    without_code = landlord_member_create(organisation=wohnbau)  # password only this session
    assert landlord_access_for(user=without_code, municipality=norderstedt).state == (
        LandlordAccess.SECOND_FACTOR_MISSING
    )
    elsewhere = as_verified(landlord_member_create(organisation=wohnbau))
    assert landlord_access_for(user=elsewhere, municipality=reinbek).state == (
        LandlordAccess.OTHER_MUNICIPALITY
    )
    removed = as_verified(landlord_member_create(organisation=wohnbau))
    landlord_member_active_set(
        membership=removed.landlord_memberships.get(), active=False, actor=None
    )
    assert landlord_access_for(user=removed, municipality=norderstedt).state == (
        LandlordAccess.REMOVED
    )
    member = as_verified(landlord_member_create(organisation=wohnbau))
    wohnbau.is_active = False
    wohnbau.save()
    assert landlord_access_for(user=member, municipality=norderstedt).state == (
        LandlordAccess.ORGANISATION_INACTIVE
    )


# --- adding and removing members --------------------------------------------------------------
def test_a_member_added_by_e_mail_gets_an_account_and_a_link(
    norderstedt, wohnbau, nor_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = landlord_member_add(
            organisation=wohnbau,
            email="Hieronymus.Vermieter@Example.org",
            given_name="Hieronymus",
            family_name="Zwiebelmann",
            actor=nor_admin,
        )
    user = membership.user
    assert membership.is_active and not user.has_usable_password() and not user.is_staff
    message = OutboxMessage.objects.get()
    assert "Wohnbau Norderstedt GmbH" in message.subject
    assert "/konto/passwort-neu/" in message.body
    assert AuditEvent.objects.filter(action="accounts.landlord_member_added").count() == 1
    # The member's name and address are encrypted at rest like every account's.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT given_name, family_name, email FROM accounts_user WHERE id = %s", [user.pk]
        )
        raw = " ".join(str(value) for value in cursor.fetchone())
    assert "Hieronymus" not in raw and "Zwiebelmann" not in raw and "Vermieter" not in raw


def test_an_existing_account_is_used_and_a_removed_member_comes_back(
    wohnbau, nor_admin, django_capture_on_commit_callbacks
):
    citizen = citizen_create(email="leyla@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        membership = landlord_member_add(
            organisation=wohnbau, email="leyla@example.org", actor=nor_admin
        )
    assert membership.user == citizen and User.objects.count() == 2
    assert "/konto/passwort-neu/" not in OutboxMessage.objects.get().body  # has a password
    landlord_member_active_set(membership=membership, active=False, actor=nor_admin)
    membership.refresh_from_db()
    assert not membership.is_active and membership.removed_at is not None
    again = landlord_member_add(organisation=wohnbau, email="leyla@example.org", actor=nor_admin)
    assert again.pk == membership.pk and again.is_active and again.removed_at is None
    assert LandlordMembership.objects.count() == 1
    assert AuditEvent.objects.filter(action="accounts.landlord_member_removed").count() == 1


def test_a_member_keeps_the_second_factor(nor_client, wohnbau):
    member = landlord_member_create(organisation=wohnbau)
    login_verified(nor_client, member)
    assert nor_client.get(reverse("accounts:totp_remove")).status_code == 404
    page = nor_client.get(reverse("accounts:profile")).content.decode()
    assert "Wohnbau Norderstedt GmbH" in page
    assert reverse("accounts:totp_remove") not in page


def test_passwords_are_hashed_with_argon2(wohnbau, settings):
    settings.PASSWORD_HASHERS = base_settings.PASSWORD_HASHERS  # tests hash fast otherwise
    member = landlord_member_create(organisation=wohnbau)
    assert identify_hasher(member.password).algorithm == "argon2"


# --- the admin: the town enrols and manages its own organisations only --------------------------
def test_the_towns_admin_enrols_an_organisation_and_adds_a_member(
    nor_client, norderstedt, nor_admin
):
    login_verified(nor_client, nor_admin)
    response = nor_client.post(
        reverse("admin:accounts_landlordorganisation_add"),
        {
            "name": "Hausverwaltung Nord KG",
            "street": "Ochsenzoller Straße 1",
            "postal_code": "22848",
            "city": "Norderstedt",
            "register_number": "Amtsgericht Kiel HRA 99 KI",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = LandlordOrganisation.objects.get()
    assert organisation.municipality == norderstedt
    assert AuditEvent.objects.filter(action="accounts.landlord_organisation_enrolled").exists()

    response = nor_client.post(
        reverse("admin:accounts_landlordmembership_add"),
        {"organisation": organisation.pk, "email": "neu@example.org"},
    )
    assert response.status_code == 200  # no account yet and no names: asked for them
    assert not LandlordMembership.objects.exists()
    response = nor_client.post(
        reverse("admin:accounts_landlordmembership_add"),
        {
            "organisation": organisation.pk,
            "email": "neu@example.org",
            "given_name": "Nele",
            "family_name": "Neumann",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = LandlordMembership.objects.get()
    assert membership.user.full_name == "Nele Neumann"

    response = nor_client.post(
        reverse("admin:accounts_landlordmembership_change", args=[membership.pk]), {}
    )  # "authorised" unticked: removed
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active and membership.removed_at is not None


def test_a_register_entry_is_enrolled_once_per_town(nor_client, nor_admin, wohnbau):
    login_verified(nor_client, nor_admin)
    response = nor_client.post(
        reverse("admin:accounts_landlordorganisation_add"),
        {
            "name": "Doppelt GmbH",
            "street": "Weg 1",
            "postal_code": "22846",
            "city": "Norderstedt",
            "register_number": wohnbau.register_number,
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["register_number"]
    assert "bereits registriert" in " ".join(errors)  # the admin speaks German here
    assert LandlordOrganisation.objects.count() == 1


def test_another_towns_admin_can_neither_see_nor_change(rei_client, reinbek, rei_admin, wohnbau):
    member = landlord_member_create(organisation=wohnbau)
    membership = member.landlord_memberships.get()
    login_verified(rei_client, rei_admin)
    listed = rei_client.get(reverse("admin:accounts_landlordorganisation_changelist"))
    assert list(listed.context["cl"].result_list) == []
    listed = rei_client.get(reverse("admin:accounts_landlordmembership_changelist"))
    assert list(listed.context["cl"].result_list) == []
    for url in (
        reverse("admin:accounts_landlordorganisation_change", args=[wohnbau.pk]),
        reverse("admin:accounts_landlordmembership_change", args=[membership.pk]),
    ):
        assert rei_client.get(url).status_code == 404, url
        assert rei_client.post(url, {"name": "Übernommen", "post": "yes"}).status_code == 404
    # Nor can it add a member to Norderstedt's organisation.
    response = rei_client.post(
        reverse("admin:accounts_landlordmembership_add"),
        {
            "organisation": wohnbau.pk,
            "email": "x@example.org",
            "given_name": "X",
            "family_name": "Y",
        },
    )
    assert response.status_code == 200
    wohnbau.refresh_from_db()
    membership.refresh_from_db()
    assert wohnbau.name == "Wohnbau Norderstedt GmbH" and membership.is_active
    assert LandlordMembership.objects.count() == 1


def test_a_clerk_cannot_manage_organisations(nor_client, norderstedt, wohnbau):
    clerk = staff_create(municipality=norderstedt, role=StaffRole.CLERK)
    login_verified(nor_client, clerk)
    url = reverse("admin:accounts_landlordorganisation_change", args=[wohnbau.pk])
    assert nor_client.get(url).status_code in (302, 403, 404)


# --- demo --------------------------------------------------------------------------------------
def test_demo_data_has_an_organisation_with_a_member(towns):
    demo.load()
    demo.load()  # idempotent
    organisation = LandlordOrganisation.objects.get()
    assert organisation.name == "Wohnbau Norderstedt GmbH"
    member = organisation.memberships.get().user
    assert member.email == "vermietung@wohnbau-norderstedt.example"
    assert member.check_password(demo.LANDLORD_PASSWORD)
    assert TOTPDevice.objects.get(user=member).confirmed
    lines = "\n".join(demo.login_lines(host="localhost", port="8000"))
    assert "vermietung@wohnbau-norderstedt.example" in lines and "TOTP secret" in lines
