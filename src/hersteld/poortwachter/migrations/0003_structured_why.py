"""To-dos keep the engine's explanation as a code and parameters instead of a sentence.

The stored English sentences of existing to-dos are read once here, into the code and
parameters the engine now gives (engine.Why); after this nothing parses a sentence back.
"""

import re

from django.db import migrations, models

DATE = r"(\d{4}-\d{2}-\d{2})"
COUNTED = re.compile(
    rf"^(?P<label>.+?): D1 {DATE} \+ (?P<days>\d+) days(?: \+ (?P<gaps>\d+) gap days)?"
    rf"(?:, moved from (?P<moved>\d{{4}}-\d{{2}}-\d{{2}}) \(weekend or holiday\))?$"
)
AFTER_ANALYSIS = re.compile(rf"^14 days after the probleemanalyse \(made {DATE}\)$")
EVALUATION = re.compile(
    rf"^evaluation (\d+): (\d+) days after the plan van aanpak \((made|due) {DATE}\)$"
)
SANCTION = re.compile(rf"^loonsanctie until {DATE} \(waiting period would end {DATE}\)$")
NOT_REACHED = re.compile(r"^(?:(?P<label>.+?): )?not reached, chain ended$")
WEEK_END = re.compile(r"^end of week (\d+)$")
WEEK = re.compile(r"^week (\d+)$")


def step(label):
    if match := WEEK_END.match(label or ""):
        return {"step": "week_end", "week": int(match[1])}
    if match := WEEK.match(label or ""):
        return {"step": "week", "week": int(match[1])}
    if label == "first working day after week 42":
        return {"step": "report_42", "week": 42}
    if label == "plan van aanpak":
        return {"step": "plan"}
    return {}


def parse(why):
    if match := NOT_REACHED.match(why):
        return "not_reached", step(match["label"])
    if match := COUNTED.match(why):
        params = {**step(match["label"]), "d1": match[2], "days": int(match["days"])}
        params["gaps"] = int(match["gaps"] or 0)
        if match["moved"]:
            params["moved_from"] = match["moved"]
        return "sick_days", params
    if match := AFTER_ANALYSIS.match(why):
        return "after_analysis", {"made": match[1]}
    if match := EVALUATION.match(why):
        return "evaluation", {
            "number": int(match[1]),
            "days": int(match[2]),
            "basis": match[3],
            "date": match[4],
        }
    if match := SANCTION.match(why):
        return "sanction", {"until": match[1], "end": match[2]}
    return "", {}


def forwards(apps, schema_editor):
    Todo = apps.get_model("poortwachter", "Todo")
    for todo in Todo.objects.exclude(why="").only("pk", "why").iterator():
        code, params = parse(todo.why)
        Todo.objects.filter(pk=todo.pk).update(why_code=code, why_params=params)


class Migration(migrations.Migration):
    dependencies = [
        ("poortwachter", "0002_decrees_provisional_dismissed"),
    ]

    operations = [
        migrations.AddField(
            model_name="todo",
            name="why_code",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name="todo",
            name="why_params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="todo",
            name="why",
        ),
    ]
