"""What became of a connection's documents, counted from dedupe's records."""

from pydantic import BaseModel

from schemas.records import Verdict


class DocumentOutcomes(BaseModel):
    """What became of a connection's documents so far, as dedupe judged them."""

    judged: int = 0  # every document dedupe has recorded
    to_post: int = 0  # judged to go to the inbox (new, or flagged as a duplicate)
    flagged: int = 0  # of those, posted with a duplicate or possible-duplicate flag
    dropped: int = 0  # exact copies of a document already in the inbox
    rejected: int = 0  # files that are not a readable document

    @classmethod
    def of(cls, records) -> "DocumentOutcomes":
        out = {"judged": 0, "to_post": 0, "flagged": 0, "dropped": 0, "rejected": 0}
        for r in records:
            out["judged"] += 1
            if r.rejection is not None:
                out["rejected"] += 1
            elif not r.post:
                out["dropped"] += 1
            else:
                out["to_post"] += 1
                out["flagged"] += r.verdict is not Verdict.NEW
        return cls(**out)
