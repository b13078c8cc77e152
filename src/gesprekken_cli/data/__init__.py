"""Shipped data: school vacations and public holidays (see ``vakanties``)."""
