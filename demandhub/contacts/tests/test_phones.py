import pytest

from demandhub.contacts.phones import for_display, to_e164


@pytest.mark.parametrize(
    ("given", "e164"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("(01223) 123456", "+441223123456"),
        ("+33 6 11 22 33 44", "+33611223344"),
        ("withheld", ""),
        ("", ""),
        ("12", ""),
    ],
)
def test_numbers_are_normalised_to_e164_reading_national_numbers_as_british(given, e164):
    assert to_e164(given) == e164


def test_british_numbers_are_shown_in_national_format():
    assert for_display("+447700900123") == "07700 900123"
    assert for_display("+33611223344") == "+33 6 11 22 33 44"
