"""Actions, declared once in their domain's registry, and the one runner for office, API and tests.

Declaring an action (in `<domain>/actions.py`, imported by the app factory):

    register(Action(
        name="accept",                      # the API's action name; the office URL is /accept
        label=_l("Accept"),
        target="case",                      # what it acts on: "case", or "letter" (body's letter_id)
        roles=HANDLERS,                     # who may take it (403 for anyone else)
        when=case_status("accept"),         # the state table: hidden in the office when refused
        guards=(correction_once,),          # further rules: a disabled button with the reason
        input=Schema(Field("details", "longtext", _l("..."), required=True)),
        operation=lambda ctx, data: ops.accept_case(ctx.case, actor=ctx.user),
        done=_l("The request was accepted."),
    ))

`when` and each guard take a `Ctx` and return None, or the DomainError that refuses (a
TransitionError answers 409, a ForbiddenError 403); its message is the translated reason. The
operation takes the Ctx and the clean input and does the work (one audit event, flush only); its
return value is the API's `result` when `result` says how to show it.

`perform()` is the runner: role, `when`, guards, input, version, operation, one commit. The
office (`caseapp.office.actions`) and the API (`caseapp.api.actions`) answer from what it returns
or raises; tests call it directly. Nothing else lists actions or their roles.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import flash, redirect, request
from flask_babel import lazy_gettext as _l

from caseapp.core.clock import local_today
from caseapp.core.forms import apply_errors
from caseapp.core.errors import DomainError, ForbiddenError, StaleVersionError, ValidationError
from caseapp.core.inputs import Schema
from caseapp.extensions import db

Guard = Callable[["Ctx"], DomainError | None]


@dataclass
class Ctx:
    """Who acts on what: the user, the case and (for letter actions) the letter."""

    user: Any
    case: Any
    target: Any = None
    today: date = field(default_factory=local_today)

    @property
    def letter(self):
        return self.target


@dataclass(frozen=True)
class Action:
    """One action: its name, label, who may take it, when, with what input, doing what."""

    name: str
    label: object
    operation: Callable[[Ctx, dict], Any]
    roles: frozenset
    domain: str = "cases"
    target: str = "case"
    when: Guard | None = None
    guards: tuple[Guard, ...] = ()
    input: Schema = field(default_factory=Schema)
    versioned: bool = True  # the API body carries the case `version` last seen
    done: object = None  # the office's message afterwards (str or callable(ctx, result))
    warning: Callable[[Ctx, Any], object] | None = None  # a further message to heed, or None
    result: Callable[[Ctx, Any], dict] | None = None  # the API's `result`
    after: Callable[[Ctx, Any], str] | None = None  # where the office goes afterwards
    style: str = "outline-secondary"
    page: bool = False  # the office shows a page that says what will happen, then asks
    confirm: object = None  # a question the office asks before an irreversible step
    dry_run: Callable[[Ctx, dict], Any] | None = None  # compute without writing (API body dry_run: true)
    preview: Callable[[Ctx], dict] | None = None  # what the office page shows before asking
    path: str = ""  # the office URL part, when not the name with dashes
    description: str = ""  # the payload, for the API document (developers read it: not translated)

    @property
    def slug(self) -> str:
        return self.path or self.name.replace("_", "-")


_REGISTRY: dict[str, Action] = {}
# target kind -> resolver(case, api_body) -> the object acted on (raises NotFoundError)
_TARGETS: dict[str, Callable[[Any, dict], Any]] = {}


def register_target(kind: str, resolver: Callable[[Any, dict], Any]) -> None:
    """Say how an API body names the object of a target kind on a case (e.g. a letter by letter_id)."""
    _TARGETS[kind] = resolver


def register(*actions: Action) -> None:
    """Add actions to the registry (each name once)."""
    for action in actions:
        if action.name in _REGISTRY and _REGISTRY[action.name] is not action:
            raise ValueError(f"action {action.name!r} is declared twice")
        _REGISTRY[action.name] = action


def get_action(name) -> Action | None:
    """The action of this name, or None."""
    return _REGISTRY.get(name) if isinstance(name, str) else None


def all_actions(*, target: str | None = None, domain: str | None = None) -> list[Action]:
    """Registered actions in declaration order, optionally of one target or domain."""
    return [a for a in _REGISTRY.values()
            if (target is None or a.target == target) and (domain is None or a.domain == domain)]


def by_slug(slug: str, target: str) -> Action | None:
    """The action of a target with this office URL part."""
    return next((a for a in all_actions(target=target) if a.slug == slug), None)


# --- checking --------------------------------------------------------------------------------------

def role_refusal(action: Action, user) -> ForbiddenError | None:
    """None when the user's role may take the action."""
    if user is None or not getattr(user, "active", False) or user.role not in action.roles:
        return ForbiddenError(_l("Your role may not take this action."))
    return None


def refusal(action: Action, ctx: Ctx) -> DomainError | None:
    """Why the action cannot be taken now (role, status, guards), or None."""
    err = role_refusal(action, ctx.user)
    if err is None and action.when is not None:
        err = action.when(ctx)
    for guard in action.guards:
        if err is not None:
            break
        err = guard(ctx)
    return err


@dataclass(frozen=True)
class Offer:
    """An action the office shows: enabled, or disabled with the reason."""

    action: Action
    reason: str | None

    @property
    def enabled(self) -> bool:
        return self.reason is None


def offers(ctx: Ctx, *, target: str = "case", domain: str | None = None) -> list[Offer]:
    """The actions to show the user: those of their role whose status allows them now; an action
    refused by a further guard is shown disabled with its reason."""
    out = []
    for action in all_actions(target=target, domain=domain):
        if role_refusal(action, ctx.user) is not None:
            continue
        if action.when is not None and action.when(ctx) is not None:
            continue
        reason = next((str(err.message) for err in (g(ctx) for g in action.guards) if err is not None), None)
        out.append(Offer(action, reason))
    return out


def check_version(ctx: Ctx, version) -> None:
    """Refuse a stale case version (optimistic locking); None means the client sent none."""
    if version is not None and version != ctx.case.version:
        raise StaleVersionError()


# --- running ---------------------------------------------------------------------------------------

def perform(action: Action, ctx: Ctx, raw, *, source: str, version: int | None = None,
            dry_run: bool = False) -> Any:
    """Run one action for one request: the role (403), the case version (409), the status and guards
    (409/403), the input (422), the operation, and one commit. Any error rolls everything back,
    files included."""
    try:
        err = role_refusal(action, ctx.user)
        if err is not None:
            raise err
        check_version(ctx, version)  # a client that saw an older case is told so first
        err = refusal(action, ctx)
        if err is not None:
            raise err
        data = action.input.clean(raw or {}, source=source)
        if dry_run and action.dry_run is not None:
            return action.dry_run(ctx, data)
        result = action.operation(ctx, data)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return result


def context_for(action: Action, case, user, body: dict | None = None, *, today: date | None = None) -> Ctx:
    """The Ctx of an action named on a case: its target found from the API body (404 if not the case's)."""
    target = _TARGETS[action.target](case, body or {}) if action.target != "case" else case
    return Ctx(user=user, case=case, target=target, **({"today": today} if today else {}))


def act(name: str, case, user, body: dict | None = None, *, today: date | None = None,
        version: int | None = None) -> Any:
    """Run a named action on a case as the API does (for the CLI, jobs and tests); returns the API's
    `result` for actions that have one (a dry run's when the body asks for it), else the operation's."""
    action = get_action(name)
    if action is None:
        raise ValidationError(_l("Unknown action."), errors={"action": _l("Unknown action.")})
    body = body or {}
    ctx = context_for(action, case, user, body, today=today)
    dry_run = action.dry_run is not None and body.get("dry_run") is True
    result = perform(action, ctx, body, source="api", version=version, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
        return result
    return action.result(ctx, result) if action.result is not None else result


def office_version(form) -> int | None:
    """The case version an office form carried (None when it has none)."""
    field = getattr(form, "version", None)
    value = (field.data or "") if field is not None else ""
    return int(value) if str(value).isdigit() else None


def answer_office(action: Action, ctx: Ctx, form, *, back: str, render: Callable[[Any, dict], Any] | None = None):
    """Run an action from an office form and answer as HTML: flash and redirect on success or
    refusal; on invalid input `render(form, errors)` shows the page again with the messages beside
    the fields (422, nothing typed is lost), or without a page the messages are flashed."""
    if not form.validate_on_submit():  # only the CSRF token: field rules are the schema's
        flash(str(_l("The form has expired or was not sent from this site. Please reload the page and try "
                     "again.")), "danger")
        return redirect(back)
    try:
        result = perform(action, ctx, request.form, source="office", version=office_version(form))
    except ValidationError as err:
        if render is not None:
            return render(form, err.errors), 422
        apply_errors(form, err.errors)
        details = "；".join(f"{_field_label(form, k)}{str(v).rstrip('。.')}" for k, v in err.errors.items())
        message = str(err.message)
        flash(f"{message.rstrip('。.')}：{details}。" if details else message, "danger")
        return redirect(back)
    except DomainError as err:
        flash(str(err.message), "danger")
        return redirect(back)
    flash(message_for(action, ctx, result), "success")
    warning = action.warning(ctx, result) if action.warning is not None else None
    if warning:
        flash(str(warning), "warning")
    return redirect(action.after(ctx, result) if action.after else back)


def _field_label(form, name: str) -> str:
    field = getattr(form, name, None)
    return f"{field.label.text}：" if field is not None and hasattr(field, "label") else ""


def message_for(action: Action, ctx: Ctx, result) -> str:
    """The office's message after the action."""
    done = action.done
    if callable(done):
        return str(done(ctx, result))
    return str(done or _l("Done."))


def labelled(actions: Iterable[Action]) -> dict[str, str]:
    """name -> translated label."""
    return {a.name: str(a.label) for a in actions}


__all__ = ["Action", "Ctx", "Guard", "Offer", "act", "all_actions", "by_slug", "check_version", "context_for",
           "get_action", "labelled", "message_for", "offers", "perform", "refusal", "register", "register_target",
           "role_refusal"]
