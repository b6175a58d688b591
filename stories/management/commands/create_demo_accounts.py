import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

ACCOUNTS = [
    # username, full name, group (None for a superuser)
    ("reporter", "Riley Reporter", "Reporter"),
    ("editor", "Eden Editor", "Editor"),
    ("chief", "Casey Chief", None),
]


class Command(BaseCommand):
    help = (
        "Create one sign-in account per newsroom role (reporter, editor, superuser) with a new "
        "random password each, and print the passwords. Running it again resets them."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        rows = []
        for username, full_name, group_name in ACCOUNTS:
            group = None
            if group_name:
                group = Group.objects.filter(name=group_name).first()
                if group is None:
                    raise CommandError(
                        f"The {group_name} group is missing. Run `manage.py migrate` first."
                    )
            first, last = full_name.split(" ", 1)
            user, _ = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            user.is_staff = True
            user.is_superuser = group is None
            user.is_active = True
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save()
            user.groups.set([group] if group else [])
            rows.append((username, group_name or "Superuser", password))
        self.stdout.write("Demo accounts (sign in at /admin/):")
        for username, role, password in rows:
            self.stdout.write(f"  {role:<10}  username: {username:<9}  password: {password}")
