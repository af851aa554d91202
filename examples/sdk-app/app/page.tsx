export default function Home() {
  return (
    <main>
      <a href="/auth/login">Log in</a> · <a href="/profile">Profile</a> · <a href="/auth/logout">Log out</a>
    </main>
  )
}
