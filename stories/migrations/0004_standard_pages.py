from django.db import migrations

PAGES = [
    {
        "slug": "about",
        "title": "About us",
        "summary": "Who we are, who pays for our work and how to reach the newsroom.",
        "body": (
            "<p>We are an independent newsroom reporting on government, money and power.</p>"
            "<h2>Contact us</h2>"
            "<p>Editors keep this page up to date with how to reach the newsroom, who owns it "
            "and how it is funded.</p>"
        ),
    },
    {
        "slug": "ethics",
        "title": "Ethics and standards",
        "summary": "The principles our journalism follows, including how we use anonymous sources.",
        "body": (
            "<p>We verify what we publish, tell readers how we know it and correct our mistakes "
            "openly.</p>"
            "<h2>Anonymous sources</h2>"
            "<p>We grant anonymity only when a source would face real harm for speaking and the "
            "information cannot be obtained on the record. At least one editor knows the "
            "identity of every anonymous source, and we describe such sources to readers as "
            "precisely as we can without identifying them.</p>"
            "<h2>Labels</h2>"
            "<p>Every story carries a label saying what kind of work it is: news, analysis, "
            "opinion, explainer and so on.</p>"
        ),
    },
    {
        "slug": "corrections-policy",
        "title": "Corrections policy",
        "summary": "How we correct errors, and how to tell us about one.",
        "body": (
            "<p>When we get something wrong we fix it and say so at the top of the story, with "
            "the date and what was changed. Every correction is also listed on our "
            '<a href="/corrections/">corrections page</a>.</p>'
            "<ul><li><strong>Correction</strong>: we published something that was wrong.</li>"
            "<li><strong>Clarification</strong>: what we published was accurate but could "
            "mislead.</li>"
            "<li><strong>Update</strong>: the story has changed since we published.</li></ul>"
        ),
    },
]


def create_pages(apps, schema_editor):
    Page = apps.get_model("stories", "Page")
    for data in PAGES:
        Page.objects.get_or_create(slug=data["slug"], defaults=data)


class Migration(migrations.Migration):
    dependencies = [("stories", "0003_page")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
