"""Sign-in, sign-out and the officials' workspace overview."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def after_login(request):
    """Send officials to their workspace and applicants to the public portal."""
    return redirect("accounts:workspace" if request.user.is_official else "core:home")


@login_required
def workspace(request):
    if not request.user.is_official:
        return redirect("core:home")
    roles = request.user.role_assignments.all()
    return render(request, "accounts/workspace.html", {"roles": roles})
