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
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import event, orm
from flask import current_app, flash, has_request_context, redirect, request
from flask_babel import lazy_gettext as _l

from caseapp.core.clock import local_today
from caseapp.core.forms import apply_errors
from caseapp.core.errors import DomainError, ForbiddenError, StaleVersionError, ValidationError
from caseapp.core.inputs import Schema
from caseapp.core.permissions import can_access_agency
from caseapp.extensions import db

Guard = Callable[["Ctx"], DomainError | None]


APPLICANT = "applicant"  # the role of whoever unlocked a case with its number and query code


@dataclass(frozen=True)
class Applicant:
    """The applicant acting on their own request (portal or public API): no account, the case unlocked."""

    role: str = APPLICANT
    active: bool = True
    id: None = None
    agency_id: None = None


SYSTEM = "system"  # the periodic sweep (caseapp.jobs)


@dataclass(frozen=True)
class System:
    """The sweep acting on every agency's cases: lapses, supervision orders, due dates kept current."""

    role: str = SYSTEM
    active: bool = True
    id: None = None
    agency_id: None = None


@dataclass
class Ctx:
    """Who acts on what: the user, the case (None for an action that creates one) and the target
    (the letter, consultation, entry, ... of target actions; the agency of a creation)."""

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
    target: str = "case"  # "case", a registered target kind (the API body names it), or "new" (creates a case)
    door: str = "staff"  # who comes through it: "staff" (office, staff API on the case), "applicant" (portal,
    # public API), "addressee" (a consultation's addressee, on its own pages and API)
    agency: Callable[["Ctx"], Any] | None = None  # the agency id the user acts in (default: the case's)
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
    place: str = ""  # where a page shows it beyond its list of actions ("letters": under the case's letters;
    # "composer" / "composer-submit": the letter page's editor saves, or saves and submits, through it)
    description: str = ""  # the payload, for the API document (developers read it: not translated)

    @property
    def slug(self) -> str:
        return self.path or self.name.replace("_", "-")


_REGISTRY: dict[str, Action] = {}
# Checks that hold a whole case still whatever the action (an archived case is read-only): each takes
# the Ctx and returns the DomainError that refuses, or None. Registered by the domain that owns the
# state (cases registers the archive's), read by refusal() and offers() for every action on a case.
_CASE_LOCKS: list[Guard] = []
# target kind -> resolver(case, api_body) -> the object acted on (raises NotFoundError)
_TARGETS: dict[str, Callable[[Any, dict], Any]] = {}


def register_target(kind: str, resolver: Callable[[Any, dict], Any]) -> None:
    """Say how an API body names the object of a target kind on a case (e.g. a letter by letter_id)."""
    _TARGETS[kind] = resolver


def register_case_lock(check: Guard) -> None:
    """Add a check every action on an existing case must pass (e.g. the case is not archived)."""
    if check not in _CASE_LOCKS:
        _CASE_LOCKS.append(check)


def lock_refusal(action: Action, ctx: Ctx) -> DomainError | None:
    """Why no action may touch this case now (a case lock), or None; actions that create a case pass."""
    if action.target == "new" or ctx.case is None:
        return None
    return next((err for err in (check(ctx) for check in _CASE_LOCKS) if err is not None), None)


def register(*actions: Action) -> None:
    """Add actions to the registry (each name once)."""
    for action in actions:
        if action.name in _REGISTRY and _REGISTRY[action.name] is not action:
            raise ValueError(f"action {action.name!r} is declared twice")
        _REGISTRY[action.name] = action


def get_action(name) -> Action | None:
    """The action of this name, or None."""
    return _REGISTRY.get(name) if isinstance(name, str) else None


def all_actions(*, target: str | None = None, domain: str | None = None, door: str | None = None) -> list[Action]:
    """Registered actions in declaration order, optionally of one target, domain or door."""
    return [a for a in _REGISTRY.values()
            if (target is None or a.target == target) and (domain is None or a.domain == domain)
            and (door is None or a.door == door)]


def case_actions() -> list[Action]:
    """The actions staff take on an existing case (the staff API's actions endpoint and document)."""
    return [a for a in all_actions(door="staff") if a.target != "new"]


def by_slug(slug: str, target: str) -> Action | None:
    """The action of a target with this office URL part."""
    return next((a for a in all_actions(target=target, door="staff") if a.slug == slug), None)


# --- checking --------------------------------------------------------------------------------------

def role_refusal(action: Action, user) -> ForbiddenError | None:
    """None when the user's role may take the action."""
    if user is None or not getattr(user, "active", False) or user.role not in action.roles:
        return ForbiddenError(_l("Your role may not take this action."))
    return None


def agency_refusal(action: Action, ctx: Ctx) -> ForbiddenError | None:
    """None when the user may act in the agency of what is acted on (staff of one agency act in it
    only, platform-wide users anywhere, an applicant on the case they unlocked)."""
    if action.agency is not None:
        agency_id = action.agency(ctx)
    elif action.target == "new":
        agency_id = getattr(ctx.target, "id", None)  # a creation: the agency the case is filed with
    else:
        agency_id = getattr(ctx.case if ctx.case is not None else ctx.target, "agency_id", None)
    if getattr(ctx.user, "role", None) == APPLICANT or agency_id is None:
        return None
    return None if can_access_agency(ctx.user, agency_id) else ForbiddenError()


def refusal(action: Action, ctx: Ctx) -> DomainError | None:
    """Why the action cannot be taken now (role, agency, status, guards), or None."""
    err = role_refusal(action, ctx.user) or agency_refusal(action, ctx) or lock_refusal(action, ctx)
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
        if role_refusal(action, ctx.user) is not None or lock_refusal(action, ctx) is not None:
            continue
        if action.when is not None and action.when(ctx) is not None:
            continue
        reason = next((str(err.message) for err in (g(ctx) for g in action.guards) if err is not None), None)
        out.append(Offer(action, reason))
    return out


def check_version(ctx: Ctx, version) -> None:
    """Refuse a stale case version (optimistic locking); None means the client sent none."""
    if version is not None and ctx.case is not None and version != ctx.case.version:
        raise StaleVersionError()


# --- running ---------------------------------------------------------------------------------------

def perform(action: Action, ctx: Ctx, raw, *, source: str, version: int | None = None,
            dry_run: bool = False, commit: bool = True) -> Any:
    """Run one action for one request: the role (403), the case version (409), the status and guards
    (409/403), the input (422), the operation, and one commit. Any error rolls everything back,
    files included. `commit=False` is for the sweep, whose many actions are one transaction."""
    try:
        err = role_refusal(action, ctx.user)
        if err is not None:
            raise err
        check_version(ctx, version)  # a client that saw an older case is told so first
        err = refusal(action, ctx)
        if err is not None:
            raise err
        data = action.input.clean(raw or {}, source=source)
        token = _RUNNING.set(action.name)
        try:
            if dry_run and action.dry_run is not None:
                return action.dry_run(ctx, data)
            result = action.operation(ctx, data)
            if commit:
                db.session.commit()
            else:
                db.session.flush()
        finally:
            _RUNNING.reset(token)
    except BaseException:
        if commit:
            db.session.rollback()
        raise
    return result


# --- the one door ------------------------------------------------------------------------------------
# Every write of a request goes through perform(). A view that must write otherwise (signing in, an
# applicant's session, marking one's own notifications read) says so with @outside_runner(reason);
# any other write during a request is refused before it reaches the database.

_RUNNING: ContextVar[str | None] = ContextVar("caseapp_running_action", default=None)
# Tables a request may write beside an action: rate-limit and receipt bookkeeping, not records.
_BOOKKEEPING: set[str] = set()


class WriteOutsideRunner(RuntimeError):
    """A view wrote to the database without an action (a programming error: declare the action)."""


def outside_runner(reason: str):
    """Mark a view that writes without an action, with the reason (read by the route-listing test)."""
    def mark(view):
        view.writes_outside_runner = reason
        return view
    return mark


def bookkeeping(*tables: str) -> None:
    """Declare tables that requests write beside actions (throttles, receipt holds)."""
    _BOOKKEEPING.update(tables)


@contextmanager
def bookkeeping_write(reason: str):
    """A write that is not an action (a stronger hash of a query code, stored after a lookup): the
    block flushes it itself; the reason says what it is."""
    token = _RUNNING.set(f"({reason})")
    try:
        yield
    finally:
        _RUNNING.reset(token)


def running_action() -> str | None:
    """The action being performed, or None."""
    return _RUNNING.get()


_GUARDED: ContextVar[str | None] = ContextVar("caseapp_guarded_writes", default=None)


@contextmanager
def one_door(name: str):
    """Hold a job (the sweep) to the same rule as a request: its writes go through actions."""
    token = _GUARDED.set(name)
    try:
        yield
    finally:
        _GUARDED.reset(token)


def _guard_flush(session, _context, _instances) -> None:
    if _RUNNING.get() is not None:
        return
    if has_request_context():
        view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
        if view is None or getattr(view, "writes_outside_runner", None):
            return
        where = request.endpoint
    elif _GUARDED.get() is not None:
        where = _GUARDED.get()
    else:
        return  # the CLI, the demo, migrations and tests' own set-up write directly
    touched = {type(obj).__table__.name for obj in (*session.new, *session.dirty, *session.deleted)
               if hasattr(type(obj), "__table__") and (obj not in session.dirty or session.is_modified(obj))}
    written = touched - _BOOKKEEPING
    if written:
        raise WriteOutsideRunner(f"{where} writes {sorted(written)} outside the action runner")


def install_door() -> None:
    """Refuse writes outside the runner (once per process)."""
    if not event.contains(orm.Session, "before_flush", _guard_flush):
        event.listen(orm.Session, "before_flush", _guard_flush)


@dataclass(frozen=True)
class Attempt:
    """What a view's try of an action came to: the result, or the refusal (nothing was written)."""

    action: Action
    ctx: Ctx
    result: Any = None
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def message(self) -> str:
        """The action's message afterwards, or the refusal's."""
        return message_for(self.action, self.ctx, self.result) if self.ok else str(self.error.message)

    @property
    def errors(self) -> dict:
        """The refusal's messages per field (a ValidationError's), else none."""
        return dict(getattr(self.error, "errors", None) or {})


def attempt(name: str, ctx: Ctx, raw, *, source: str = "office") -> Attempt:
    """Run the named action for a view (a page of its own, outside the generic action routes); with
    `raw` None only ask whether it may be taken now (the refusal, or an Attempt without a result)."""
    action = get_action(name)
    if raw is None:
        return Attempt(action, ctx, error=refusal(action, ctx))
    try:
        return Attempt(action, ctx, perform(action, ctx, raw, source=source))
    except DomainError as err:
        return Attempt(action, ctx, error=err)


def context_for(action: Action, case, user, body: dict | None = None, *, today: date | None = None) -> Ctx:
    """The Ctx of an action named on a case: its target found from the API body (404 if not the case's)."""
    if action.target == "new" or (action.target != "case" and action.target not in _TARGETS):
        raise ValidationError(_l("Unknown action."), errors={"action": _l("Unknown action.")})
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


__all__ = ["APPLICANT", "SYSTEM", "Action", "Applicant", "Attempt", "Ctx", "attempt", "System", "one_door", "WriteOutsideRunner", "bookkeeping", "bookkeeping_write", "install_door",
           "outside_runner", "running_action", "Guard", "Offer", "act", "all_actions", "by_slug", "case_actions", "check_version", "context_for",
           "get_action", "labelled", "lock_refusal", "register_case_lock", "message_for", "offers", "perform", "refusal", "register", "register_target",
           "role_refusal"]
