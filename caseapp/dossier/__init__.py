"""One dossier per case (一案一档, SPEC §12): every document of a case in order, with its table of
contents and closing note, as one PDF; and archiving: the dossier frozen in the file store, the case
read-only, the applicant's personal data kept only in the dossier.

Its own package for now (DESIGN §2 puts dossiers and the archive in reviews/, which was being
created at the same time): it reads every domain (cases, records, letters, fees, consultations,
reviews) through their queries, so it sits in the layer above them, below jobs.
"""

from caseapp.dossier import defence  # noqa: E402,F401 - fills the search record and review answer sections
