"""Pages of a reader list (a section, a tag, the front page...), found without counting the list.

Counting the list to print "page 3 of 412" reads every story in it on every
request, and the list grows with the archive. A page fetches one row more than
it shows instead: that row tells whether an older page follows. ``?page=N``
addresses keep working; a value that is not a page number gives the first
page, and a page past the end of the list is not found.
"""

from dataclasses import dataclass

from django.http import Http404

PAGE_SIZE = 20
# No archive is this deep: larger numbers are not found without asking the database.
MAX_PAGE = 100_000


@dataclass
class ListPage:
    object_list: list
    number: int
    has_next: bool

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_previous() or self.has_next

    def previous_page_number(self):
        return self.number - 1

    def next_page_number(self):
        return self.number + 1


def page_number(value) -> int:
    """The page that a ``?page=`` value asks for: 1 for anything but a positive whole number."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def paginate(request, queryset, per_page=PAGE_SIZE) -> ListPage:
    """The page of ``queryset`` that ``?page=`` asks for, in one query.

    ``queryset`` may also be a function of an offset and a number of rows, giving those rows
    of the list (``stories.listing``).
    """
    number = page_number(request.GET.get("page"))
    if number > MAX_PAGE:
        raise Http404("There is no such page.")
    offset = (number - 1) * per_page
    if callable(queryset):
        rows = list(queryset(offset, per_page + 1))
    else:
        rows = list(queryset[offset : offset + per_page + 1])
    if not rows and number > 1:
        raise Http404("There is no such page.")
    return ListPage(rows[:per_page], number, has_next=len(rows) > per_page)
