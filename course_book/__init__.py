"""The course as a book: a static web site, for reading before (or instead of) running.

``python -m course_book [OUT]`` (what ``make book`` runs) writes a Jupyter Book
from solutions/ and builds it into ``OUT/_build/html`` (OUT: build/book).  Its
pages show the student version of each notebook (see ``course_book.student``)
and load nothing from the network.  Not imported by notebooks or course_lib.
"""
