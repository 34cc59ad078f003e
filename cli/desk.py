"""`minutier desk add-user`: a secretary's password for the review desk."""

from __future__ import annotations

import sys

import click

from cli.base import main
from service.layout import Home


@main.group()
def desk() -> None:
    """The secretaries' review desk that `minutier serve` starts (``[desk]`` in the settings).

    \b
    Declare each secretary and the clients she may see in the settings file:
      [desk]
      port = 4300
      [desk.users.claire]
      clients = ["acme", "lefevre"]
      language = "fr"
    then set her password, and start the service: the desk's address is printed.

    \b
    Example:
      minutier desk add-user claire
      minutier serve
    """


@desk.command("add-user")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line).")
@click.pass_context
def add_user(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Set (or change) NAME's password; only its argon2 hash is kept, in the service home's desk/users.json.

    NAME must be declared in the settings ([desk.users.NAME]) to sign in.

    \b
    Examples:
      minutier desk add-user claire
      printf '%s\\n' "$PASSWORD" | minutier --config /etc/minutier.toml desk add-user claire --password-stdin
    """
    from desk.accounts import set_password

    settings = ctx.obj["settings"]
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(f"Password for {name}", hide_input=True, confirmation_prompt=True)
    folder = Home(settings.service.home_dir).desk
    set_password(folder, name, password)
    click.echo(f"Password set for {name} in {folder / 'users.json'}")
    if settings.desk.user(name) is None:
        click.echo(
            f"Note: {name} is not declared in the settings yet: add [desk.users.{name}] with the clients she may see.",
            err=True,
        )
