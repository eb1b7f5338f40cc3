from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from sla.selectors import inbox_for


@login_required
def home(request):
    user = request.user
    return render(
        request,
        "accounts/home.html",
        {"roles": [g.name for g in user.groups.all()], "recent": inbox_for(user)[:5]},
    )
