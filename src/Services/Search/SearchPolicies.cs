using Agora.Auth;
using Microsoft.AspNetCore.Authorization;

namespace Agora.Search;

/// <summary>Searching is anonymous (the shop front); rebuilding the index is for staff (role <c>admin</c> AND scope <c>admin:ops</c>).</summary>
internal static class SearchPolicies
{
    public const string Admin = "search:admin";

    public static AuthorizationBuilder AddSearchPolicies(this AuthorizationBuilder builder) => builder
        .AddStaffPolicy(Admin, AgoraScopes.AdminOps);
}
